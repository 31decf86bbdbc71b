-- Phone digits in a B-tree, so digits typed into a search box are a range read that stops at the
-- list's limit. As FTS prefix terms, "55501" merged the doclist of every number starting so (in a
-- clinic's area code, most of them) before the first row came back: 100-200 ms at 100k clients.
CREATE TABLE phone_digits (
    digits TEXT NOT NULL,
    client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    PRIMARY KEY (digits, client_id)
) WITHOUT ROWID;
CREATE INDEX phone_digits_client ON phone_digits (client_id);
INSERT OR IGNORE INTO phone_digits (digits, client_id)
    SELECT d, client_id FROM (SELECT replace(replace(replace(replace(replace(replace(replace(number, ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), '/', '') AS d, client_id FROM phones) WHERE length(d) > 0
    UNION SELECT substr(d, -10), client_id FROM (SELECT replace(replace(replace(replace(replace(replace(replace(number, ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), '/', '') AS d, client_id FROM phones) WHERE length(d) > 10
    UNION SELECT substr(d, -7), client_id FROM (SELECT replace(replace(replace(replace(replace(replace(replace(number, ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), '/', '') AS d, client_id FROM phones) WHERE length(d) > 7;
