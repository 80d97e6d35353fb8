-- star-builder, step 90: record the build run and the OLTP load batches it
-- consumed (etl.build_run, etl.consumed_batch). dq_passed / dq_failed are
-- filled by 95_dq.sql. A batch already consumed is left as it was.
INSERT INTO etl.build_run (
    build_id, mode, build_time, finished_at, batch_count, batch_ids, rows_changed)
SELECT p.build_id,
       p.mode,
       p.build_time,
       clock_timestamp(),
       (SELECT count(*) FROM build_batch),
       coalesce((SELECT array_agg(batch_id ORDER BY batch_id) FROM build_batch), '{}'),
       coalesce((SELECT jsonb_object_agg(table_name, rows_changed)
                 FROM (SELECT table_name, sum(rows_changed)::bigint AS rows_changed
                       FROM build_counts GROUP BY table_name) c), '{}')
FROM build_params p;

INSERT INTO etl.consumed_batch (batch_id, build_id, consumed_at)
SELECT b.batch_id, p.build_id, p.build_time
FROM build_batch b
CROSS JOIN build_params p
ON CONFLICT (batch_id) DO NOTHING;
