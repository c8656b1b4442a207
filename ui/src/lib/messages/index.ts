// The messages of every feature in one table. A feature keeps its words in its own file (a new
// service adds `messages/<service>.ts` and one line here); keys are `<area>.<name>`.
import { app } from './app';
import { catalog } from './catalog';
import { enroll } from './enroll';
import { errors } from './errors';
import { staff } from './staff';
import { rental } from './rental';
import { subsidy } from './subsidy';
import { learning } from './learning';
import { clubs } from './clubs';

export { LOCALES, type Locale, type Message } from './message';

/** Each feature's table, so the i18n test can check that no key is defined twice. */
export const features = { app, catalog, enroll, staff, subsidy, rental, learning, clubs, errors } as const;

export const messages = { ...app, ...catalog, ...enroll, ...staff, ...subsidy, ...rental, ...learning, ...clubs, ...errors };

export type MessageKey = keyof typeof messages;
