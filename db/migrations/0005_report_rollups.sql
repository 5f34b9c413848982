CREATE TABLE `daily_breakdowns` (
	`day` text NOT NULL,
	`dimension` text NOT NULL,
	`value` text NOT NULL,
	`status` text NOT NULL,
	`auth_required` integer NOT NULL,
	`attempts` integer NOT NULL,
	PRIMARY KEY(`day`, `dimension`, `value`, `status`, `auth_required`)
);
--> statement-breakpoint
CREATE TABLE `daily_outcomes` (
	`day` text NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`failure_code` text NOT NULL,
	`decline_code` text NOT NULL,
	`recovered` integer NOT NULL,
	`attempts` integer NOT NULL,
	`amount` integer NOT NULL,
	PRIMARY KEY(`day`, `currency`, `status`, `failure_code`, `decline_code`, `recovered`)
);
--> statement-breakpoint
DROP TABLE `daily_rollup`;