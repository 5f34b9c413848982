CREATE TABLE `refund_approvals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`attempt_id` integer NOT NULL,
	`requested_by_user_id` integer NOT NULL,
	`idempotency_key` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`reason` text,
	`note` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`decided_by_user_id` integer,
	`decided_at` integer,
	`rejection_reason` text,
	`refund_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`attempt_id`) REFERENCES `payment_attempts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`requested_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`refund_id`) REFERENCES `refunds`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "refund_approvals_amount_positive" CHECK("refund_approvals"."amount" > 0),
	CONSTRAINT "refund_approvals_status_check" CHECK("refund_approvals"."status" in ('pending', 'approved', 'rejected')),
	CONSTRAINT "refund_approvals_decision" CHECK(("refund_approvals"."status" = 'pending' and "refund_approvals"."decided_at" is null and "refund_approvals"."refund_id" is null) or ("refund_approvals"."status" = 'approved' and "refund_approvals"."decided_at" is not null and "refund_approvals"."refund_id" is not null) or ("refund_approvals"."status" = 'rejected' and "refund_approvals"."decided_at" is not null and "refund_approvals"."rejection_reason" is not null))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refund_approvals_idempotency_key_unique` ON `refund_approvals` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `refund_approvals_status_created_idx` ON `refund_approvals` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `refund_approvals_attempt_idx` ON `refund_approvals` (`attempt_id`);--> statement-breakpoint
CREATE INDEX `audit_events_actor_idx` ON `audit_events` (`actor_user_id`);--> statement-breakpoint
CREATE INDEX `audit_events_action_idx` ON `audit_events` (`action`);