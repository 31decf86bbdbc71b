"""Numbered migrations, tracked by PRAGMA user_version. Each is small and runs in one transaction."""

from __future__ import annotations

from clinic.storage.db import Connection

FTS_TOKENIZER = "unicode61 remove_diacritics 2"


# Staff, clients, intakes, cases, notes, sealed values, documents, settings and the audit chain.
_V1 = f"""
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE staff (
        id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('volunteer','attorney','coordinator','admin')),
        active INTEGER NOT NULL DEFAULT 1,
        language TEXT NOT NULL DEFAULT 'es',
        public_key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE TABLE clients (
        id INTEGER PRIMARY KEY,
        ref TEXT NOT NULL UNIQUE,
        given_names TEXT NOT NULL,
        family_name_1 TEXT NOT NULL,
        family_name_2 TEXT NOT NULL DEFAULT '',
        preferred_name TEXT NOT NULL DEFAULT '',
        sort_key TEXT NOT NULL,
        date_of_birth TEXT,
        address TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL,
        interpreter_needed INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        created_by INTEGER NOT NULL REFERENCES staff(id),
        last_visit TEXT,
        is_demo INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX clients_sort ON clients(sort_key, id);
    CREATE INDEX clients_dob ON clients(date_of_birth);
    CREATE TABLE phones (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        number TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        safe_to_call INTEGER NOT NULL,
        safe_to_text INTEGER NOT NULL,
        safe_to_leave_message INTEGER NOT NULL
    );
    CREATE INDEX phones_client ON phones(client_id);
    CREATE TABLE intakes (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES clients(id),
        recorded_at TEXT NOT NULL,
        recorded_by INTEGER NOT NULL REFERENCES staff(id),
        site TEXT NOT NULL DEFAULT '',
        channel TEXT NOT NULL CHECK (channel IN ('walk-in','phone','outreach')),
        household_size INTEGER,
        monthly_income INTEGER,
        urgency TEXT NOT NULL,
        next_date TEXT,
        detained_family_member INTEGER NOT NULL DEFAULT 0,
        consent_to_store INTEGER NOT NULL CHECK (consent_to_store = 1),
        consent_date TEXT NOT NULL,
        consent_language TEXT NOT NULL,
        notes TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX intakes_client ON intakes(client_id, recorded_at);
    CREATE INDEX intakes_by ON intakes(recorded_by, recorded_at);
    CREATE TABLE intake_needs (
        intake_id INTEGER NOT NULL REFERENCES intakes(id) ON DELETE CASCADE,
        need TEXT NOT NULL,
        PRIMARY KEY (intake_id, need)
    );
    CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES clients(id),
        intake_id INTEGER NOT NULL REFERENCES intakes(id),
        status TEXT NOT NULL,
        need TEXT NOT NULL,
        problem_code INTEGER NOT NULL,
        urgency TEXT NOT NULL,
        next_date TEXT,
        assigned_to INTEGER REFERENCES staff(id),
        funding_source TEXT NOT NULL DEFAULT '',
        opened_at TEXT NOT NULL,
        closed_at TEXT
    );
    CREATE INDEX cases_status ON cases(status, next_date);
    CREATE INDEX cases_client ON cases(client_id);
    CREATE INDEX cases_assigned ON cases(assigned_to, status);
    CREATE TABLE case_status_changes (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        at TEXT NOT NULL,
        by_staff INTEGER NOT NULL REFERENCES staff(id),
        old_status TEXT,
        new_status TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        author_id INTEGER NOT NULL REFERENCES staff(id),
        created_at TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX notes_case ON notes(case_id, created_at);
    -- Sealed values: ciphertext sealed to the clinic's privileged public key; never indexed.
    CREATE TABLE sealed_values (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES clients(id),
        intake_id INTEGER REFERENCES intakes(id),
        field TEXT NOT NULL,
        ciphertext BLOB NOT NULL,
        key_fpr TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by INTEGER NOT NULL REFERENCES staff(id)
    );
    CREATE INDEX sealed_client ON sealed_values(client_id);
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        filename TEXT NOT NULL,
        mime_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        content BLOB NOT NULL,
        added_at TEXT NOT NULL,
        added_by INTEGER NOT NULL REFERENCES staff(id)
    );
    CREATE INDEX documents_case ON documents(case_id);
    CREATE TABLE deadlines (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        kind TEXT NOT NULL,
        due_date TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        done INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX deadlines_due ON deadlines(due_date, done);
    -- Append-only audit chain: ids and action names only, never names or field values.
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor_id INTEGER,
        action TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT '',
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE VIRTUAL TABLE client_search USING fts5(
        names, phones, notes, tokenize = '{FTS_TOKENIZER}'
    );
"""


# Partners, referrals with their disclosed fields and consent, and the letters as sent.
_V2 = """
    CREATE TABLE partners (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        services TEXT NOT NULL DEFAULT '',
        languages TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        hours TEXT NOT NULL DEFAULT '',
        disclosure TEXT NOT NULL DEFAULT '',
        legal_representation INTEGER NOT NULL DEFAULT 0,
        lsc_funded INTEGER NOT NULL DEFAULT 0,
        is_example INTEGER NOT NULL DEFAULT 0,
        retired INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE TABLE referrals (
        id INTEGER PRIMARY KEY,
        ref TEXT NOT NULL UNIQUE,
        client_id INTEGER NOT NULL REFERENCES clients(id),
        case_id INTEGER REFERENCES cases(id),
        partner_id INTEGER NOT NULL REFERENCES partners(id),
        need TEXT NOT NULL,
        fields TEXT NOT NULL,
        sealed_approved_by INTEGER REFERENCES staff(id),
        consent_date TEXT NOT NULL,
        consent_language TEXT NOT NULL,
        consent_method TEXT NOT NULL CHECK (consent_method IN ('in_person','phone')),
        letter_language TEXT NOT NULL,
        layout TEXT NOT NULL DEFAULT 'sequence',
        outcome TEXT NOT NULL DEFAULT 'pending',
        outcome_at TEXT,
        created_at TEXT NOT NULL,
        created_by INTEGER NOT NULL REFERENCES staff(id)
    );
    CREATE INDEX referrals_client ON referrals(client_id);
    CREATE INDEX referrals_created ON referrals(created_at, outcome);
    CREATE TABLE letters (
        id INTEGER PRIMARY KEY,
        referral_id INTEGER NOT NULL REFERENCES referrals(id),
        rendered_at TEXT NOT NULL,
        rendered_by INTEGER NOT NULL REFERENCES staff(id),
        pdf BLOB NOT NULL,
        printed_count INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX letters_referral ON letters(referral_id);
    -- Examples to edit, named in both languages: names and kinds only, no contact details.
    INSERT INTO partners (name, name_key, services, disclosure, legal_representation, is_example, created_at)
    VALUES
     ('Ejemplo / Example: Red de jornaleros · Day-laborer network',
      'ejemplo / example: red de jornaleros · day-laborer network', 'workers_rights',
      'identity,contact,needs', 0, 1, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')),
     ('Ejemplo / Example: Centro de políticas de inmigración · Immigrant policy center',
      'ejemplo / example: centro de políticas de inmigración · immigrant policy center',
      'detention_support,other', 'identity,contact,needs', 0, 1, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')),
     ('Ejemplo / Example: Centro de trabajadores de la costura · Garment workers'' center',
      'ejemplo / example: centro de trabajadores de la costura · garment workers'' center', 'workers_rights',
      'identity,contact,household,needs', 0, 1, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')),
     ('Ejemplo / Example: Oficina legal de libertades civiles · Civil liberties legal office',
      'ejemplo / example: oficina legal de libertades civiles · civil liberties legal office',
      'legal_representation,detention_support', 'identity,contact,household,needs,case_summary,sealed', 1, 1,
      strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')),
     ('Ejemplo / Example: Banco de alimentos · Food bank', 'ejemplo / example: banco de alimentos · food bank',
      'food_relief', 'identity,household', 0, 1, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'));
"""


# The case queue's order, shared by its index and its query: SQLite uses the index only for this exact text.
CASE_QUEUE_ORDER = ("next_date IS NULL, next_date, CASE urgency WHEN 'urgent' THEN 0 WHEN 'soon' THEN 1 "
                    "ELSE 2 END, opened_at DESC")

# Indexes found by the 100,000-client benchmark: reading an intake's sealed field names scanned the whole
# sealed table, and the case queue sorted every case.
_V3 = f"""
    CREATE INDEX sealed_intake ON sealed_values(intake_id);
    CREATE INDEX cases_queue ON cases(status, {CASE_QUEUE_ORDER});
    CREATE INDEX cases_queue_all ON cases({CASE_QUEUE_ORDER});
    CREATE INDEX cases_next_date ON cases(next_date);
"""

# A letter that discloses sealed details is itself sealed to the privileged key (like any sealed value):
# the database key alone must not open it.
_V4 = """
    ALTER TABLE letters ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;
"""

# Search as you type: prefix indexes for the first one, two and three letters typed (without them FTS5
# merges the list of every word starting with "m"), and the last seven digits of each phone as a term so
# "5550101" finds "(323) 555-0101" (new and edited clients get it from ClientRepo.reindex). FTS5 options
# cannot be altered, so the index is rebuilt from its own stored text.
_PHONE_DIGITS = "replace(replace(replace(replace(replace(replace(replace(number, ' ', ''), '-', ''), '(', ''), " \
                "')', ''), '+', ''), '.', ''), '/', '')"
_V5 = f"""
    CREATE VIRTUAL TABLE client_search_v5 USING fts5(
        names, phones, notes, tokenize = '{FTS_TOKENIZER}', prefix = '1 2 3'
    );
    INSERT INTO client_search_v5 (rowid, names, phones, notes)
    SELECT s.rowid, s.names,
           s.phones || coalesce((SELECT ' ' || group_concat(substr(d, -7), ' ')
                                 FROM (SELECT {_PHONE_DIGITS} AS d FROM phones WHERE client_id = s.rowid)
                                 WHERE length(d) > 7), ''),
           s.notes
    FROM client_search s;
    DROP TABLE client_search;
    ALTER TABLE client_search_v5 RENAME TO client_search;
"""

# Family preparedness plans (one per client, kept as JSON) and the documents printed from them, as sent.
# The plan has no field for an immigration status or any sealed value.
_V6 = """
    CREATE TABLE preparedness_plans (
        client_id INTEGER PRIMARY KEY REFERENCES clients(id),
        plan TEXT NOT NULL,
        affidavit_date TEXT,
        updated_at TEXT NOT NULL,
        updated_by INTEGER NOT NULL REFERENCES staff(id)
    );
    CREATE INDEX preparedness_affidavit ON preparedness_plans(affidavit_date);
    CREATE TABLE preparedness_documents (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES clients(id),
        kind TEXT NOT NULL CHECK (kind IN ('packet','affidavit','cards')),
        language TEXT NOT NULL,
        rendered_at TEXT NOT NULL,
        rendered_by INTEGER NOT NULL REFERENCES staff(id),
        pdf BLOB NOT NULL,
        printed_count INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX preparedness_documents_client ON preparedness_documents(client_id, kind);
"""

# Raid-incident reports, apart from client files: the record (lists and vehicles/people as JSON), the
# reporter sealed to the privileged key, the verification history, links between reports of one event,
# and every public report as published (to keep later reports consistent with it).
_V7 = """
    CREATE TABLE incidents (
        id INTEGER PRIMARY KEY,
        ref TEXT NOT NULL UNIQUE,
        occurred_on TEXT NOT NULL,
        precision TEXT NOT NULL,
        start_time TEXT NOT NULL DEFAULT '',
        end_time TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL DEFAULT '',
        place_kind TEXT NOT NULL,
        neighbourhood TEXT NOT NULL DEFAULT '',
        activities TEXT NOT NULL DEFAULT '',
        agents INTEGER,
        vehicle_count INTEGER,
        markings TEXT NOT NULL DEFAULT '',
        faces_covered TEXT NOT NULL,
        name_or_badge_visible TEXT NOT NULL,
        identified_when_asked TEXT NOT NULL,
        possible_impersonator TEXT NOT NULL,
        vehicles TEXT NOT NULL DEFAULT '[]',
        warrant TEXT NOT NULL,
        home_entry TEXT NOT NULL,
        consent_asked TEXT NOT NULL,
        people TEXT NOT NULL DEFAULT '[]',
        contact_kind TEXT NOT NULL,
        reporter_relation TEXT NOT NULL,
        equipment TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '',
        reporter_sealed BLOB,
        reporter_fpr TEXT,
        status TEXT NOT NULL DEFAULT 'unverified',
        recorded_at TEXT NOT NULL,
        recorded_by INTEGER NOT NULL REFERENCES staff(id)
    );
    CREATE INDEX incidents_date ON incidents(occurred_on, status);
    CREATE INDEX incidents_recorded ON incidents(recorded_by, recorded_at);
    CREATE TABLE incident_status (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        status TEXT NOT NULL,
        method TEXT NOT NULL,
        reason TEXT NOT NULL,
        linked TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL,
        by INTEGER NOT NULL REFERENCES staff(id)
    );
    CREATE INDEX incident_status_incident ON incident_status(incident_id);
    CREATE TABLE incident_links (
        a INTEGER NOT NULL REFERENCES incidents(id),
        b INTEGER NOT NULL REFERENCES incidents(id),
        PRIMARY KEY (a, b)
    );
    CREATE TABLE public_reports (
        id INTEGER PRIMARY KEY,
        date_from TEXT NOT NULL,
        date_to TEXT NOT NULL,
        cells TEXT NOT NULL,
        published_at TEXT NOT NULL,
        published_by INTEGER NOT NULL REFERENCES staff(id)
    );
"""

# Legal-aid intake (issue 10): parties on a case, the conflict-check name index and its checks, income
# lines with the eligibility result (and the guideline year it used), LSC codes on a case.
_V8 = """
    CREATE TABLE parties (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES clients(id),
        case_id INTEGER REFERENCES cases(id),
        intake_id INTEGER REFERENCES intakes(id),
        kind TEXT NOT NULL CHECK (kind IN ('adverse','household')),
        is_org INTEGER NOT NULL DEFAULT 0,
        name TEXT NOT NULL,
        date_of_birth TEXT,
        relationship TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        created_by INTEGER NOT NULL REFERENCES staff(id)
    );
    CREATE INDEX parties_case ON parties(case_id);
    CREATE INDEX parties_client ON parties(client_id);
    CREATE TABLE conflict_keys (
        key TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('client','party')),
        ref_id INTEGER NOT NULL
    );
    CREATE INDEX conflict_keys_key ON conflict_keys(key);
    CREATE INDEX conflict_keys_ref ON conflict_keys(source, ref_id);
    -- Per-case legal-aid facts kept beside the case row (older rows read as version 0, no codes).
    CREATE TABLE case_legal_aid (
        case_id INTEGER PRIMARY KEY REFERENCES cases(id),
        parties_version INTEGER NOT NULL DEFAULT 0,
        closure_category TEXT,
        rejection_reason TEXT,
        rejection_note TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE conflict_checks (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        parties_version INTEGER NOT NULL,
        run_at TEXT NOT NULL,
        run_by INTEGER NOT NULL REFERENCES staff(id),
        match_count INTEGER NOT NULL,
        matches TEXT NOT NULL,
        result TEXT CHECK (result IN ('no_conflict','waived','rejected')),
        note TEXT NOT NULL DEFAULT '',
        cleared_by INTEGER REFERENCES staff(id),
        cleared_at TEXT
    );
    CREATE INDEX conflict_checks_case ON conflict_checks(case_id, id);
    CREATE TABLE income_lines (
        id INTEGER PRIMARY KEY,
        intake_id INTEGER NOT NULL REFERENCES intakes(id),
        source TEXT NOT NULL,
        amount TEXT NOT NULL,
        per TEXT NOT NULL
    );
    CREATE INDEX income_lines_intake ON income_lines(intake_id);
    CREATE TABLE eligibility_results (
        intake_id INTEGER PRIMARY KEY REFERENCES intakes(id),
        household_size INTEGER NOT NULL,
        region TEXT NOT NULL,
        annual_income TEXT NOT NULL,
        table_year INTEGER NOT NULL,
        guideline INTEGER NOT NULL,
        percent TEXT NOT NULL
    );
"""

# v9: phone digits in a B-tree, so digits typed into a search box are a range read that stops at the
# list's limit. As FTS prefix terms, "55501" merged the doclist of every number starting so (in a
# clinic's area code, most of them) before the first row came back: 100-200 ms at 100k clients.
_PHONE_SOURCES = f"SELECT {_PHONE_DIGITS} AS d, client_id FROM phones"
_V9 = f"""
    CREATE TABLE phone_digits (
        digits TEXT NOT NULL,
        client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        PRIMARY KEY (digits, client_id)
    ) WITHOUT ROWID;
    CREATE INDEX phone_digits_client ON phone_digits (client_id);
    INSERT OR IGNORE INTO phone_digits (digits, client_id)
        SELECT d, client_id FROM ({_PHONE_SOURCES}) WHERE length(d) > 0
        UNION SELECT substr(d, -10), client_id FROM ({_PHONE_SOURCES}) WHERE length(d) > 10
        UNION SELECT substr(d, -7), client_id FROM ({_PHONE_SOURCES}) WHERE length(d) > 7;
"""

# A migration is a SQL script (run whole inside one transaction: sqlcipher3's executescript commits
# any open transaction, so BEGIN and COMMIT are part of the script).
MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9]
LATEST = len(MIGRATIONS)


def version(conn: Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: Connection, target: int = LATEST) -> None:
    """Bring the database to `target`, one migration per transaction. Never downgrades."""
    current = version(conn)
    if current > LATEST:
        from clinic.errors import VaultDamaged
        from clinic.i18n import _

        raise VaultDamaged(_("This vault was made by a newer Clinic Intake. Update the app to open it."))
    for number in range(current + 1, target + 1):
        script = f"BEGIN IMMEDIATE;\n{MIGRATIONS[number - 1]}\nPRAGMA user_version = {number};\nCOMMIT;"
        try:
            conn.executescript(script)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
