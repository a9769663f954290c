-- Fragment (an expression, included by queries): the display text of columns `value` and
-- `qualifier` in language $lang. Mirrors queries.display_value: 110余 / 约20 (zh), 110+ / ~20 (en);
-- at most two decimals, none when needless, thousands separated; 0.001 <= |x| < 1 keeps 3 digits.
CASE WHEN value IS NULL OR isnan(value) THEN '' ELSE
    CASE WHEN qualifier = 'approx' THEN CASE WHEN $lang = 'en' THEN '~' ELSE '约' END ELSE '' END
    || CASE WHEN value <> 0 AND abs(value) < 1 AND abs(value) >= 0.001 THEN format('{:.3g}', value)
            ELSE regexp_replace(regexp_replace(format('{:,.2f}', value), '\.?0+$', ''), '^-0$', '0') END
    || CASE WHEN qualifier = 'at_least' THEN CASE WHEN $lang = 'en' THEN '+' ELSE '余' END ELSE '' END
END
