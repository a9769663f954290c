-- Where the figures behind a view came from (the report's 数据说明): per loaded file and basis, how many
-- figures and the distinct references (出处) they name. Same scope as q_filtered_rows.
SELECT coalesce(l.file_name, '') AS file_name,
       o.basis,
       count(*) AS n_figures,
       list(DISTINCT o.reference ORDER BY o.reference) FILTER (WHERE o.reference IS NOT NULL) AS refs,
       max(l.loaded_at) AS loaded_at
FROM observations AS o
LEFT JOIN loads AS l ON l.load_id = o.load_id
WHERE o.period_start = $start AND o.period_end = $end
  AND list_contains($indicators::VARCHAR[], o.indicator)
  AND (CASE WHEN len($parks::VARCHAR[]) = 0 THEN NOT list_contains($regions::VARCHAR[], o.park)
           ELSE list_contains($parks::VARCHAR[], o.park) END)
  AND (len($chains::VARCHAR[]) = 0 OR list_contains($chains::VARCHAR[], o.chain))
  AND ($include_illustrative OR o.basis = 'reported')
GROUP BY 1, 2
ORDER BY o.basis DESC, file_name
