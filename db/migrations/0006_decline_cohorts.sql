CREATE TABLE `daily_decline_cohorts` (
	`day` text NOT NULL,
	`currency` text NOT NULL,
	`declined_invoices` integer NOT NULL,
	`declined_amount` integer NOT NULL,
	`recovered_invoices` integer NOT NULL,
	`recovered_amount` integer NOT NULL,
	PRIMARY KEY(`day`, `currency`)
);
