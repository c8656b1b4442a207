# The two commands: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)
CARGO ?= cargo

.PHONY: deps ui build run test lint test-rust test-ui test-e2e test-package package bench loadtest soak fuzz fmt openapi clean

## Install system packages, npm packages and tauri-driver if missing (idempotent).
deps:
	@./scripts/install-deps.sh

## Build the UI (the app embeds ui/dist).
ui: deps
	cd ui && npm run build

## Build every binary: baeum-hub and baeum-kiosk.
build: ui
	$(CARGO) build --workspace --bins

## Start a local hub with the Gwangmyeong demo catalog and the kiosk pointed at it.
run: build
	./scripts/run.sh

## Everything CI checks: formatting, lints, typecheck, unit, system and end-to-end tests, then
## the release packages installed on this machine and run as a kiosk session.
test:
	@./scripts/install-deps.sh --package
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-ui
	$(MAKE) --no-print-directory test-rust
	$(MAKE) --no-print-directory test-e2e
	$(MAKE) --no-print-directory test-package

lint: ui
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd ui && npm run check

test-ui: deps
	cd ui && npm test

## Rust tests of every crate, including system tests that run the real binaries.
test-rust: build
	./scripts/start-mdns.sh
	$(CARGO) test --workspace
	# The hub's suite again on PostgreSQL (a throw-away cluster), then two hub processes on one
	# PostgreSQL database with kiosks spread over them.
	./scripts/with-postgres.sh $(CARGO) test -p baeum-hub -- --include-ignored
	./scripts/with-postgres.sh $(CARGO) test -p baeum-system-tests --test two_hubs -- --include-ignored

## The real app window through tauri-driver + WebKitWebDriver under Xvfb; screenshots land in test-output/.
test-e2e: build
	./scripts/start-mdns.sh
	cd tests/e2e && npm test

## Release packages for Debian/Ubuntu: the kiosk's .deb by Tauri's bundler
## (target/release/bundle/deb/) and the hub's by cargo-deb (target/debian/).
package:
	@./scripts/install-deps.sh --package
	$(MAKE) --no-print-directory ui
	mkdir -p target/package
	./scripts/third-party-licenses.py baeum-kiosk-app --ui > target/package/THIRD-PARTY-LICENSES.txt
	./scripts/third-party-licenses.py baeum-hub > target/package/hub-THIRD-PARTY-LICENSES.txt
	cd src-tauri && $(CARGO) tauri build --bundles deb --ci
	$(CARGO) deb -p baeum-hub --locked
	@ls -l target/release/bundle/deb/*.deb target/debian/*.deb

## Installs the packages here (needs root), runs the hub as a service and the kiosk as a cage
## session under a private systemd, kills the app, checks it comes back with its records, purges.
test-package: package
	./tests/package/install-test.sh

## Benchmarks (release build), each figure beside its peer from the same run: sync beside PouchDB,
## search beside SQLite FTS5 and LIKE, upload beside PouchDB replicate.to, certificates beside
## headless Chromium (cold process and warm page.pdf()), the package's size and the installed
## window's start-up (warm and cold cache, with a per-phase timeline) and memory beside Chromium
## --kiosk. Prints figures, asserts nothing.
bench:
	@./scripts/install-deps.sh --bench
	$(MAKE) --no-print-directory package
	$(CARGO) build --release -p baeum-hub -p baeum-bench
	BAEUM_BIN_DIR=target/release ./target/release/baeum-bench

## The 09:00 rush on SQLite, PostgreSQL with one hub, and PostgreSQL with two hubs behind HAProxy,
## side by side (2,000 taps for 20 seats, then 20,000 for 100; BAEUM_LOADTEST_BIG=0 skips the
## second). Prints figures, asserts nothing.
loadtest:
	@./scripts/install-deps.sh --bench
	$(CARGO) build --release -p baeum-hub -p baeum-bench
	WITH_POSTGRES_AS=BAEUM_LOADTEST_POSTGRES WITH_POSTGRES_DURABLE=1 ./scripts/with-postgres.sh \
	  env BAEUM_BIN_DIR=target/release BAEUM_BENCH_ONLY=rush ./target/release/baeum-bench

## Long soak: kill -9 the kiosk engine 5,000 times during enrollment writes and uploads.
soak: build
	BAEUM_SOAK_ITERATIONS=5000 $(CARGO) test -p baeum-system-tests --test kill_during_enrollment -- --nocapture

## Longer fuzz runs (5 minutes of random inputs each) of the snapshot chunk reader, the
## certificate QR parser and the feed importer; `make test` gives them a second each. Then
## schemathesis against the hub with a random seed and more examples than `make test` uses.
fuzz: build
	BOLERO_RANDOM_TEST_TIME_MS=$${FUZZ_MS:-300000} $(CARGO) test -p baeum-domain -p baeum-hub --test fuzz -- --nocapture
	BAEUM_SCHEMATHESIS_SEED=random BAEUM_SCHEMATHESIS_EXAMPLES=$${API_EXAMPLES:-100} $(CARGO) test -p baeum-system-tests --test openapi_properties

fmt:
	$(CARGO) fmt --all

## Rewrite crates/hub/openapi.json from the code after an API change.
openapi:
	BAEUM_UPDATE_OPENAPI=1 $(CARGO) test -p baeum-hub --test api the_openapi_file_in_the_repo_matches_the_code

clean:
	$(CARGO) clean
	rm -rf ui/dist test-output .run
