-- Substring search over invoice numbers and customer names for charge history (a trigram index: LIKE '%…%'
-- scans every invoice). External content: the text lives in invoices; triggers keep the index in step.
CREATE VIRTUAL TABLE `invoices_search` USING fts5(`number`, `customer_name`, content='invoices', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `invoices_search_insert` AFTER INSERT ON `invoices` BEGIN
  INSERT INTO `invoices_search` (rowid, `number`, `customer_name`) VALUES (new.`id`, new.`number`, new.`customer_name`);
END;
--> statement-breakpoint
CREATE TRIGGER `invoices_search_delete` AFTER DELETE ON `invoices` BEGIN
  INSERT INTO `invoices_search` (`invoices_search`, rowid, `number`, `customer_name`) VALUES ('delete', old.`id`, old.`number`, old.`customer_name`);
END;
--> statement-breakpoint
CREATE TRIGGER `invoices_search_update` AFTER UPDATE OF `number`, `customer_name` ON `invoices` BEGIN
  INSERT INTO `invoices_search` (`invoices_search`, rowid, `number`, `customer_name`) VALUES ('delete', old.`id`, old.`number`, old.`customer_name`);
  INSERT INTO `invoices_search` (rowid, `number`, `customer_name`) VALUES (new.`id`, new.`number`, new.`customer_name`);
END;
--> statement-breakpoint
INSERT INTO `invoices_search` (`invoices_search`) VALUES ('rebuild');
