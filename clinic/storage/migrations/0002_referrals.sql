-- Migration 2: referrals.
-- Partners, referrals with their disclosed fields and consent, and the letters as sent.

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
