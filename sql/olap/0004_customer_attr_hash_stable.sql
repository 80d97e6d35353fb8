-- mirror.customer_attr_hash: STABLE instead of IMMUTABLE, same body, same
-- hashes. Its body casts a row value to text (record_out, a STABLE
-- function), and PostgreSQL only inlines a SQL function whose body is no
-- more volatile than its declaration. Inlined, a full build hashes its
-- customers in about half the time (the function-call overhead per row is
-- gone). No index or generated column uses the function, so STABLE is
-- enough everywhere it is called.
ALTER FUNCTION mirror.customer_attr_hash(text, text, text, text, text, text, integer) STABLE;
