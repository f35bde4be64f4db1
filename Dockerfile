FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DEBUG=true python manage.py collectstatic --noinput && python -m supportdesk.catalogs compile
RUN useradd --create-home supportdesk && mkdir -p /app/var && chown -R supportdesk /app/var
USER supportdesk
EXPOSE 8000
# gthread keeps connections alive: status-page widgets poll over one connection instead of a new one per request.
CMD ["gunicorn", "supportdesk.wsgi", "-c", "gunicorn.conf.py"]
