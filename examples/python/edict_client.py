#!/usr/bin/env python3
"""A client for `edict serve`, standard library only (Python 3.8+).

    from edict_client import EdictClient
    edict = EdictClient("http://127.0.0.1:8181")            # token="..." with --token-env
    answer = edict.authorize("db:Select", "db://production/users", {"source.ip": "10.1.2.3"})
    if answer["decision"] != "allow":
        raise PermissionError(answer)

Any error of the server (400, 401, 413, 503, 500...) raises EdictError: never treat it as an allow.

Run as a script, it reads one access request per line of standard input (JSON objects
{"action", "resource", "context"?}) and prints one decision per line:

    echo '{"action": "db:Delete", "resource": "db://production/users"}' | python3 edict_client.py http://127.0.0.1:8181
"""

import json
import os
import sys
import urllib.error
import urllib.request


class EdictError(Exception):
    """The server refused or could not answer: no decision was made."""

    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class EdictClient:
    def __init__(self, base_url="http://127.0.0.1:8181", token=None, timeout=5.0):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, method, path, body=None):
        headers = {"accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["content-type"] = "application/json"
        if self.token:
            headers["authorization"] = "Bearer " + self.token
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            try:
                error = json.loads(e.read().decode("utf-8"))["error"]
                raise EdictError(e.code, error["code"], error["message"]) from None
            except (ValueError, KeyError, TypeError):
                raise EdictError(e.code, "HTTP_ERROR", str(e)) from None

    def authorize(self, action, resource, context=None):
        """{"decision": "allow" | "deny" | "approval_required", "reasons": [...], "approval"?, "bundle": {...}}"""
        body = {"action": action, "resource": resource}
        if context is not None:
            body["context"] = context
        return self._call("POST", "/v1/authorize", body)

    def authorize_batch(self, requests):
        """Up to 10,000 requests ({"action", "resource", "context"?}); the decisions in the same order."""
        return self._call("POST", "/v1/authorize/batch", {"requests": list(requests)})["decisions"]

    def check_tool(self, uri, facts=None):
        body = {"uri": uri}
        if facts is not None:
            body["facts"] = facts
        return self._call("POST", "/v1/tools/check", body)

    def decide_data(self, request, now=None):
        body = {"request": request}
        if now is not None:
            body["now"] = now
        return self._call("POST", "/v1/data/decide", body)

    def scan(self, text, location="output"):
        return self._call("POST", "/v1/scan", {"text": text, "location": location})["findings"]

    def posture(self, facts):
        return self._call("POST", "/v1/posture", {"facts": facts})

    def status(self):
        return self._call("GET", "/v1/status")

    def ready(self):
        """True when a verified, unexpired bundle is active (and no overlay was refused)."""
        try:
            self._call("GET", "/health/ready")
            return True
        except EdictError:
            return False


def main(argv):
    if len(argv) != 2:
        print("usage: edict_client.py BASE_URL < requests.jsonl   (token from EDICT_API_TOKEN)", file=sys.stderr)
        return 2
    client = EdictClient(argv[1], token=os.environ.get("EDICT_API_TOKEN"))
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            answer = client.authorize(request["action"], request["resource"], request.get("context"))
        except EdictError as e:
            print(json.dumps({"error": {"status": e.status, "code": e.code, "message": e.message}}))
            continue
        print(json.dumps(answer, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
