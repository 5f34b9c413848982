ALTER TABLE `payment_attempts` ADD `stripe_dispute_id` text;--> statement-breakpoint
ALTER TABLE `payment_attempts` ADD `dispute_status` text;--> statement-breakpoint
ALTER TABLE `payment_attempts` ADD `dispute_reason` text;--> statement-breakpoint
ALTER TABLE `payment_attempts` ADD `dispute_amount` integer;--> statement-breakpoint
ALTER TABLE `payment_attempts` ADD `disputed_at` integer;--> statement-breakpoint
CREATE INDEX `payment_attempts_status_created_idx` ON `payment_attempts` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `payment_attempts_decline_created_idx` ON `payment_attempts` (`decline_code`,`created_at`);--> statement-breakpoint
CREATE INDEX `payment_attempts_failure_created_idx` ON `payment_attempts` (`failure_code`,`created_at`);--> statement-breakpoint
CREATE INDEX `payment_attempts_last4_created_idx` ON `payment_attempts` (`card_last4`,`created_at`);--> statement-breakpoint
CREATE INDEX `payment_attempts_intent_idx` ON `payment_attempts` (`stripe_payment_intent_id`);--> statement-breakpoint
CREATE INDEX `payment_attempts_charge_idx` ON `payment_attempts` (`stripe_charge_id`);--> statement-breakpoint
ALTER TABLE `webhook_events` ADD `object_id` text;--> statement-breakpoint
CREATE INDEX `webhook_events_object_idx` ON `webhook_events` (`object_id`);