CREATE TABLE `daily_rollup` (
	`day` text NOT NULL,
	`currency` text NOT NULL,
	`user_id` integer NOT NULL,
	`card_country` text NOT NULL,
	`card_brand` text NOT NULL,
	`status` text NOT NULL,
	`failure_code` text NOT NULL,
	`decline_code` text NOT NULL,
	`recovered` integer NOT NULL,
	`attempts` integer NOT NULL,
	`amount` integer NOT NULL,
	PRIMARY KEY(`day`, `currency`, `user_id`, `card_country`, `card_brand`, `status`, `failure_code`, `decline_code`, `recovered`)
);
--> statement-breakpoint
CREATE INDEX `daily_rollup_day_idx` ON `daily_rollup` (`day`);