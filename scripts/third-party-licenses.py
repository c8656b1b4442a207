#!/usr/bin/env python3
"""Lists the third-party code a package ships: the Rust crates its binary links (normal
dependencies reachable from the workspace crate named on the command line, from `cargo metadata`)
and, with --ui, the npm packages bundled into the UI (non-dev entries of ui/package-lock.json).
Each with its version, licence and home, for /usr/share/doc/<package>/THIRD-PARTY-LICENSES.txt.
"""
import json
import subprocess
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
crate = sys.argv[1]
with_ui = "--ui" in sys.argv[2:]

meta = json.loads(subprocess.run(
    ["cargo", "metadata", "--format-version", "1", "--locked", "--filter-platform", "x86_64-unknown-linux-gnu"],
    cwd=root, check=True, capture_output=True, text=True).stdout)
packages = {p["id"]: p for p in meta["packages"]}
nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
start = next(p["id"] for p in meta["packages"] if p["name"] == crate and p["id"] in meta["workspace_members"])

seen, todo = set(), [start]
while todo:
    node = nodes[todo.pop()]
    for dep in node["deps"]:
        # Only what ends up in the binary: normal dependencies (build scripts and tests do not).
        if any(k["kind"] is None for k in dep["dep_kinds"]) and dep["pkg"] not in seen:
            seen.add(dep["pkg"])
            todo.append(dep["pkg"])

lines = [f"Third-party software in {crate} (Rust crates linked into the binary", "and, where listed, npm packages bundled into its screens).", ""]
lines.append("Rust crates (name version — licence — home):")
for pid in sorted(seen, key=lambda i: (packages[i]["name"], packages[i]["version"])):
    p = packages[pid]
    if pid in meta["workspace_members"]:
        continue
    lines.append(f"  {p['name']} {p['version']} — {p.get('license') or 'see its licence file'} — {p.get('repository') or ''}".rstrip(" —"))
if with_ui:
    lock = json.loads((root / "ui" / "package-lock.json").read_text())
    lines += ["", "npm packages bundled into the UI (name version — licence):"]
    for path, p in sorted(lock.get("packages", {}).items()):
        name = path.split("node_modules/")[-1]
        # Svelte is a build tool whose runtime the compiler copies into the bundle.
        if not path or ((p.get("dev") or p.get("devOptional")) and name != "svelte"):
            continue
        lines.append(f"  {name} {p.get('version', '')} — {p.get('license', 'see its licence file')}")
lines += ["", "Fonts: Nanum Myeongjo (SIL Open Font License 1.1), see NanumMyeongjo-LICENSE.txt." if with_ui else ""]
print("\n".join(lines).rstrip())
