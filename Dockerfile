# pit's image: the same install as the README's `make run`, without the dev extras.
# The user `pit` has the fixed uid 10001: the checkpoint key file (mode 0600) mounted into the
# worker must be owned by it (docs/deploy.md).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIT_LOG_FORMAT=json \
    PIT_HOME=/var/lib/pit

WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY eventstore ./eventstore
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY projections ./projections
COPY api ./api
COPY cli ./cli
COPY audit ./audit
COPY bench ./bench
RUN pip install --no-cache-dir . \
    && useradd --system --uid 10001 --home /var/lib/pit pit \
    && mkdir -p /var/lib/pit && chown pit /var/lib/pit
USER pit
ENTRYPOINT ["pit"]
CMD ["up"]
