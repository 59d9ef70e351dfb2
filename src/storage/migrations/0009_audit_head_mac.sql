-- The audit head's signature: HMAC-SHA256 over '<seq>:<hash>' with a key that is never in the
-- database (VIGIA_AUDIT_KEY or <VIGIA_DATA_DIR>/audit.key). Written with every head update; the
-- head found here is signed by the application in this migration's transaction (store.ts). A role
-- that can rewrite audit_head cannot compute a valid signature for a rewound head.
alter table audit_head add column mac text;
