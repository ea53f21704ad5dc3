#!/usr/bin/env python3
"""A minimal conformance testee in Python (standard library only): the protocol of
docs/conformance.md, implementing only the XML subset of "validate": the input must be well-formed
XML with every prefix declared (XML Namespaces), no DTD, and a document element in one of the
profile's namespaces. Every other operation is answered "unsupported".

Run: transactive conformance --testee "python3 conformance/testees/python/testee.py"
"""
import json
import sys
import xml.parsers.expat

# namespaces each wire profile binds (schemas/profiles.json)
PROFILE_NAMESPACES = {
    "openadr2b": {
        "http://openadr.org/oadr-2.0b/2012/07",
        "http://docs.oasis-open.org/ns/energyinterop/201110",
        "http://docs.oasis-open.org/ns/energyinterop/201110/payloads",
        "http://docs.oasis-open.org/ns/emix/2011/06",
        "http://docs.oasis-open.org/ns/emix/2011/06/power",
        "urn:ietf:params:xml:ns:icalendar-2.0",
        "urn:ietf:params:xml:ns:icalendar-2.0:stream",
        "http://www.w3.org/2000/09/xmldsig#",
        "http://www.w3.org/2005/Atom",
        "http://naesb.org/espi",
    },
    "openadr2a": {
        "http://openadr.org/oadr-2.0a/2012/07",
        "http://docs.oasis-open.org/ns/energyinterop/201110",
        "http://docs.oasis-open.org/ns/energyinterop/201110/payloads",
        "http://docs.oasis-open.org/ns/emix/2011/06",
        "urn:ietf:params:xml:ns:icalendar-2.0",
        "urn:ietf:params:xml:ns:icalendar-2.0:stream",
    },
    "cts": {
        "http://docs.oasis-open.org/ns/energyinterop/201110/cts.04",
        "http://docs.oasis-open.org/ns/energyinterop/201110/payloads/cts.04",
        "http://docs.oasis-open.org/ns/emix/2011/06/cts.04",
        "http://docs.oasis-open.org/ns/emix/2011/06/power/cts.04",
        "http://docs.oasis-open.org/ws-calendar/ns/min-xcal/2015/12",
        "http://docs.oasis-open.org/ws-calendar/ns/streams/201606",
    },
    "xcal": {"urn:ietf:params:xml:ns:icalendar-2.0"},
}


class Rejected(Exception):
    pass


def check_xml(text, profile):
    """Raises Rejected when the text is not namespace-well-formed or not in the profile."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    root = []

    def start(name, _attrs):
        if not root:
            root.append(name)

    def doctype(*_args):
        raise Rejected("a DTD (DOCTYPE) is not allowed")

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    try:
        # the text was decoded already: parse it as UTF-8 bytes
        parser.Parse(text.encode("utf-8"), True)
    except xml.parsers.expat.ExpatError as e:
        raise Rejected("not well-formed: %s" % xml.parsers.expat.ErrorString(e.code))
    namespace = root[0].split(" ")[0] if " " in root[0] else ""
    if namespace not in PROFILE_NAMESPACES.get(profile, set()):
        raise Rejected("document element namespace %r is not one of profile %s" % (namespace, profile))


def answer(request):
    rid = request.get("id")
    operation = request.get("operation")
    if operation != "validate":
        return {"id": rid, "unsupported": "the Python example testee implements only validate"}
    if not isinstance(request.get("input"), str):
        return {"id": rid, "reject": {"reason": "input must be XML text"}}
    try:
        check_xml(request["input"], request.get("profile"))
    except Rejected as e:
        return {"id": rid, "reject": {"reason": str(e)}}
    return {"id": rid, "output": {"valid": True}}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError:
            sys.stderr.write("not JSON: %s\n" % line[:200])
            continue
        sys.stdout.write(json.dumps(answer(request)) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
