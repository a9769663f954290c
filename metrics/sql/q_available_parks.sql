-- Every park with data, by name.
SELECT DISTINCT park FROM observations ORDER BY park
