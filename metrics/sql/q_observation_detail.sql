-- One figure by its key (chain NULL = whole-park), with where it came from and when it was loaded.
SELECT o.park, o.chain, o.period_start, o.period_end, o.indicator, o.value, o.qualifier,
       o.source, o.basis, o.reference, o.load_id,
       l.file_name, l.loaded_at, l.actor
FROM observations AS o
LEFT JOIN loads AS l ON l.load_id = o.load_id
WHERE o.park = $park AND o.chain IS NOT DISTINCT FROM $chain
  AND o.period_start = $start AND o.period_end = $end AND o.indicator = $indicator
