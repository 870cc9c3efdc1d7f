"""Refusals of schema-valid requests that no OpenAPI document can prevent, dropped one by one.

schemathesis's positive_data_acceptance check expects every request the document allows to be accepted. Three
refusals depend on more than what OpenAPI 3.0 can say about a request's shape, so no schema can state them;
each is recognised narrowly (status, problem type, and what the refusal is about), and the run's summary counts
what was dropped. Every other failure of every check still fails `npm test`.
"""

import atexit
from collections import Counter

import schemathesis

POSITIVE_DATA_ACCEPTANCE = "ST202"
DROPPED: Counter[str] = Counter()
atexit.register(lambda: print(f"scripts/fuzz/hooks.py dropped: {dict(DROPPED) or 'nothing'}"))


def _problem(response):
    try:
        body = response.json()
    except ValueError:  # not JSON
        return {}
    return body if isinstance(body, dict) else {}


def csv_content_refused(case, response):
    """A CSV upload refused for its file's content: its header, rows or encoding (the document calls the part a
    binary file with a header row; what the file holds is data, not shape). The form's other fields are not
    covered: their schemas are the JSON form's, and a refusal of them still fails the run."""
    if not (case.media_type or "").startswith("multipart/form-data") or response.status_code != 400:
        return False
    problem = _problem(response)
    detail = str(problem.get("detail", ""))
    if detail == "Invalid CSV rows":
        return all(str(error.get("path", "")).startswith("reviews") for error in problem.get("errors", []))
    return detail.startswith("CSV ")


def idempotency_key_reused(case, response):
    """An Idempotency-Key sent again with another body: 422, as the IETF Idempotency-Key draft says. Whether a key
    was used before depends on an earlier request, and the stateful phase does resend keys."""
    return response.status_code == 422 and str(_problem(response).get("type", "")).endswith("/idempotency-mismatch")


def duplicate_review_ids(case, response):
    """Two reviews of one job with the same id (given, or the 1-based position a review without one takes):
    OpenAPI 3.0's uniqueItems compares whole items, not one field of them."""
    if response.status_code != 400:
        return False
    errors = _problem(response).get("errors", [])
    return bool(errors) and all(error.get("code") == "duplicate" for error in errors)


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if getattr(failure, "code", None) != POSITIVE_DATA_ACCEPTANCE:
        return True
    for refused in (csv_content_refused, idempotency_key_reused, duplicate_review_ids):
        if refused(case, response):
            DROPPED[refused.__name__] += 1
            return False
    return True
