FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 LINZI_VAR_DIR=/var/lib/linzi
WORKDIR /app
COPY pyproject.toml ./
# Dependencies first, so a code change does not reinstall them.
RUN pip install --no-cache-dir .
COPY . .
RUN useradd --system --home /app linzi \
    && mkdir -p /var/lib/linzi && chown linzi /var/lib/linzi
USER linzi
EXPOSE 8000
CMD ["gunicorn", "linzi_platform.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
