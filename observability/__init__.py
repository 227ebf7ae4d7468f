"""Operations: Prometheus metrics (/metrics), JSON logs with request and task ids, sweep health."""
