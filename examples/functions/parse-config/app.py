"""Parses the YAML document in the event's "body" and returns it as JSON."""
import json

import yaml


def handler(event, context):
    document = yaml.safe_load(event.get("body") or "{}")
    return {"statusCode": 200, "body": json.dumps(document)}
