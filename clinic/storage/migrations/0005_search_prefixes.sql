-- Migration 5: search prefixes.
-- Search as you type: prefix indexes for the first one, two and three letters typed (without them FTS5
-- merges the list of every word starting with "m"), and the last seven digits of each phone as a term so
-- "5550101" finds "(323) 555-0101" (new and edited clients get it from ClientRepo.reindex). FTS5 options
-- cannot be altered, so the index is rebuilt from its own stored text.

CREATE VIRTUAL TABLE client_search_v5 USING fts5(
    names, phones, notes, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
INSERT INTO client_search_v5 (rowid, names, phones, notes)
SELECT s.rowid, s.names,
       s.phones || coalesce((SELECT ' ' || group_concat(substr(d, -7), ' ')
                             FROM (SELECT replace(replace(replace(replace(replace(replace(replace(number, ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), '/', '') AS d FROM phones WHERE client_id = s.rowid)
                             WHERE length(d) > 7), ''),
       s.notes
FROM client_search s;
DROP TABLE client_search;
ALTER TABLE client_search_v5 RENAME TO client_search;
