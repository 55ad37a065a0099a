-- Back-office rules the database keeps even if application code forgets them.
-- The domain (src/domain/records.ts, src/domain/compliance.ts) checks each of them
-- first and answers with a typed error; these are the safety net underneath.

-- 1. A record's history is immutable. 20261123000100 granted the app role UPDATE and
--    DELETE on "RecordVersion"; versions are only ever inserted (src/domain/records.ts),
--    so take both away, and refuse UPDATE, DELETE and TRUNCATE for everyone (table
--    owner and superuser included) the way the audit log is protected. Consequence:
--    a record that has versions cannot be deleted either (the cascade would delete
--    its versions), which is what "every change keeps the previous version" asks.
REVOKE UPDATE, DELETE ON "RecordVersion" FROM tandem_app;

CREATE FUNCTION tandem_record_version_immutable() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  RAISE EXCEPTION 'record versions are immutable: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER record_version_immutable
  BEFORE UPDATE OR DELETE ON "RecordVersion"
  FOR EACH ROW EXECUTE FUNCTION tandem_record_version_immutable();
CREATE TRIGGER record_version_no_truncate
  BEFORE TRUNCATE ON "RecordVersion"
  FOR EACH STATEMENT EXECUTE FUNCTION tandem_record_version_immutable();

-- 2. A record on legal hold cannot be archived or purged. Archiving is "archivedAt
--    goes from NULL to a time"; it is refused when the record is held before or after
--    the statement (so releasing and archiving in one statement is refused too:
--    the release is its own, audited step). Holding an already archived record stays
--    allowed: that is how an archived record is kept from being purged.
CREATE FUNCTION tandem_record_legal_hold() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD."legalHold" THEN
      RAISE EXCEPTION 'record % (%) is on legal hold and cannot be deleted', OLD."reference", OLD."type"
        USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD."archivedAt" IS NULL AND NEW."archivedAt" IS NOT NULL AND (OLD."legalHold" OR NEW."legalHold") THEN
    RAISE EXCEPTION 'record % (%) is on legal hold and cannot be archived', NEW."reference", NEW."type"
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER record_legal_hold
  BEFORE UPDATE OR DELETE ON "Record"
  FOR EACH ROW EXECUTE FUNCTION tandem_record_legal_hold();

-- 3. Assigning a compliance reviewer checks the reviewer's role in the same transaction
--    that writes the assignment. "Membership" and "Operator" stay closed to the app
--    role; this function is the one narrow door: for the one tenant the transaction is
--    scoped to, it returns the operator's role there and whether the account is
--    disabled, and holds a FOR SHARE lock on the membership row until the transaction
--    ends. A concurrent role change or removal (UPDATE/DELETE of that row) waits for
--    the assignment to commit, or the assignment sees its result: the check and the
--    write cannot be separated by a role change. No row for an operator who is not a
--    member, and none unless exactly one tenant is set. The name is only for the
--    error message (members' names are visible to the tenant through `members`).
CREATE FUNCTION tandem_lock_membership(operator_id text)
  RETURNS TABLE ("role" "Role", "name" text, "disabled" boolean)
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = public, pg_temp
  AS $$
    SELECT m."role", o."name", o."disabledAt" IS NOT NULL
    FROM "Membership" m
    JOIN "Operator" o ON o."id" = m."operatorId"
    WHERE cardinality(tandem_current_tenants()) = 1
      AND m."tenantId" = (tandem_current_tenants())[1]
      AND m."operatorId" = operator_id
    FOR SHARE OF m
  $$;
REVOKE ALL ON FUNCTION tandem_lock_membership(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tandem_lock_membership(text) TO tandem_app;
