#!/usr/bin/python3
"""Strict checker of the Prometheus text exposition format, version 0.0.4.

Reads the exposition on standard input. Prints "ok N families M samples" and exits 0 when it
is valid; otherwise prints every problem as "line L: reason" and exits 1. Usage errors exit 2.

Stricter than Prometheus itself where our own metrics promise more: a counter's name must end
in _total, and a counter may not be negative.

    lapor-smsctl metrics | promcheck.py --require lapor_modem_up
    promcheck.py --self-test

Python 3 standard library only.
"""

import argparse
import math
import re
import sys

METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
# A decimal float as Go's strconv.ParseFloat reads one, without the spellings of infinity and
# NaN other than the three the format names.
FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
TIMESTAMP = re.compile(r"-?[0-9]+")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")
INT64_MAX = 2**63 - 1


def parse_float(text):
    """The value of text, or None when it is no float of the format."""
    if text == "+Inf":
        return math.inf
    if text == "-Inf":
        return -math.inf
    if text == "NaN":
        return math.nan
    if FLOAT.fullmatch(text):
        return float(text)
    return None


class Family:
    def __init__(self, name):
        self.name = name
        self.type = None
        self.help_line = None
        self.type_line = None
        self.samples = []  # (line, sample name, labels dict, value)


class Checker:
    def __init__(self):
        self.errors = []
        self.families = {}
        self.order = []  # family names in the order their blocks start
        self.current = None  # name of the family whose block we are in
        self.closed = set()  # families whose block has ended
        self.seen = set()  # (sample name, frozenset of labels)
        self.sample_count = 0

    def error(self, lineno, message):
        self.errors.append((lineno, message))

    # ---- families ----

    def family(self, name):
        fam = self.families.get(name)
        if fam is None:
            fam = Family(name)
            self.families[name] = fam
            self.order.append(name)
        return fam

    def enter(self, lineno, name):
        """Makes name the family whose block we are in; blocks must not be split."""
        if self.current == name:
            return
        if self.current is not None:
            self.closed.add(self.current)
        if name in self.closed:
            self.error(lineno, "metric family %s is not contiguous: it appeared before, and "
                               "other lines came between" % name)
            self.closed.discard(name)
        self.current = name

    def family_of(self, sample_name):
        """The family a sample belongs to, after the suffix rules of histograms and summaries."""
        for suffix, kinds in (("_bucket", ("histogram",)), ("_sum", ("histogram", "summary")),
                              ("_count", ("histogram", "summary"))):
            if sample_name.endswith(suffix):
                base = sample_name[: -len(suffix)]
                fam = self.families.get(base)
                if fam is not None and fam.type in kinds:
                    return base
        return sample_name

    # ---- lines ----

    def line(self, lineno, text):
        if text.endswith("\r"):
            self.error(lineno, "carriage return at end of line (lines end with \\n only)")
            text = text[:-1]
        if text.strip() == "":
            return
        if text.startswith("#"):
            self.comment(lineno, text)
        else:
            self.sample(lineno, text)

    def comment(self, lineno, text):
        parts = text[1:].lstrip(" \t").split(None, 2) if text[1:2] in (" ", "\t") else []
        if not parts or parts[0] not in ("HELP", "TYPE"):
            return  # an ordinary comment
        keyword = parts[0]
        if len(parts) < 2:
            self.error(lineno, "# %s without a metric name" % keyword)
            return
        name = parts[1]
        if not METRIC_NAME.fullmatch(name):
            self.error(lineno, "# %s: invalid metric name %r" % (keyword, name))
            return
        rest = parts[2] if len(parts) > 2 else ""
        fam = self.family(name)
        self.enter(lineno, name)
        if keyword == "HELP":
            if fam.help_line is not None:
                self.error(lineno, "second HELP for %s (first on line %d)" % (name, fam.help_line))
            fam.help_line = lineno
            self.check_help_escapes(lineno, name, rest)
            return
        kind = rest.strip()
        if fam.type_line is not None:
            self.error(lineno, "second TYPE for %s (first on line %d)" % (name, fam.type_line))
            return
        fam.type_line = lineno
        if kind not in TYPES:
            self.error(lineno, "TYPE %s: unknown type %r (counter, gauge, histogram, summary "
                               "or untyped)" % (name, kind))
            return
        if fam.samples:
            self.error(lineno, "TYPE for %s comes after its samples (line %d)"
                       % (name, fam.samples[0][0]))
        fam.type = kind
        if kind == "counter" and not name.endswith("_total"):
            self.error(lineno, "counter %s: a counter's name must end in _total" % name)
        if kind in ("histogram", "summary"):
            for suffix in ("_bucket", "_sum", "_count"):
                if name.endswith(suffix):
                    self.error(lineno, "%s %s: the family name may not end in %s"
                               % (kind, name, suffix))

    def check_help_escapes(self, lineno, name, docstring):
        i = 0
        while i < len(docstring):
            if docstring[i] == "\\":
                if i + 1 >= len(docstring) or docstring[i + 1] not in "\\n":
                    self.error(lineno, "HELP %s: invalid escape in the docstring (only \\\\ and "
                                       "\\n)" % name)
                    return
                i += 2
            else:
                i += 1

    def sample(self, lineno, text):
        m = METRIC_NAME.match(text)
        if not m:
            self.error(lineno, "not a sample, HELP, TYPE, comment or blank line")
            return
        name = m.group(0)
        pos = m.end()
        labels = {}
        if pos < len(text) and text[pos] == "{":
            labels, pos = self.labels(lineno, text, pos + 1)
            if labels is None:
                return
        rest = text[pos:]
        if not rest or rest[0] not in " \t":
            self.error(lineno, "%s: expected a space and a value after the metric name%s"
                       % (name, " and labels" if labels else ""))
            return
        fields = rest.split()
        if len(fields) not in (1, 2):
            self.error(lineno, "%s: expected a value and at most a timestamp, found %d fields"
                       % (name, len(fields)))
            return
        value = parse_float(fields[0])
        if value is None:
            self.error(lineno, "%s: invalid value %r (a float, +Inf, -Inf or NaN)"
                       % (name, fields[0]))
            return
        if len(fields) == 2:
            ts = fields[1]
            if not TIMESTAMP.fullmatch(ts) or abs(int(ts)) > INT64_MAX:
                self.error(lineno, "%s: invalid timestamp %r (milliseconds since the epoch, "
                                   "a whole number)" % (name, ts))
        self.sample_count += 1
        fam_name = self.family_of(name)
        fam = self.family(fam_name)
        self.enter(lineno, fam_name)
        key = (name, frozenset(labels.items()))
        if key in self.seen:
            self.error(lineno, "duplicate sample %s%s" % (name, format_labels(labels)))
        self.seen.add(key)
        fam.samples.append((lineno, name, labels, value))
        self.check_sample_kind(lineno, fam, name, labels, value)

    def labels(self, lineno, text, pos):
        """Parses the label set after '{'; returns (labels, position after '}') or (None, 0)."""
        labels = {}
        n = len(text)

        def skip(p):
            while p < n and text[p] in " \t":
                p += 1
            return p

        pos = skip(pos)
        while True:
            if pos < n and text[pos] == "}":
                return labels, pos + 1
            m = LABEL_NAME.match(text, pos)
            if not m:
                self.error(lineno, "invalid label name at column %d" % (pos + 1))
                return None, 0
            lname = m.group(0)
            if lname.startswith("__"):
                self.error(lineno, "label name %s is reserved (starts with __)" % lname)
            pos = skip(m.end())
            if pos >= n or text[pos] != "=":
                self.error(lineno, "label %s: expected = at column %d" % (lname, pos + 1))
                return None, 0
            pos = skip(pos + 1)
            if pos >= n or text[pos] != '"':
                self.error(lineno, "label %s: the value must be in double quotes" % lname)
                return None, 0
            pos += 1
            value = []
            while True:
                if pos >= n:
                    self.error(lineno, "label %s: unterminated value" % lname)
                    return None, 0
                ch = text[pos]
                if ch == '"':
                    pos += 1
                    break
                if ch == "\\":
                    nxt = text[pos + 1] if pos + 1 < n else ""
                    if nxt not in ("\\", '"', "n"):
                        self.error(lineno, "label %s: invalid escape \\%s in the value (only "
                                           "\\\\, \\\" and \\n)" % (lname, nxt))
                        return None, 0
                    value.append("\n" if nxt == "n" else nxt)
                    pos += 2
                    continue
                value.append(ch)
                pos += 1
            if lname in labels:
                self.error(lineno, "label %s given twice" % lname)
            labels[lname] = "".join(value)
            pos = skip(pos)
            if pos < n and text[pos] == ",":
                pos = skip(pos + 1)
                continue
            if pos < n and text[pos] == "}":
                return labels, pos + 1
            self.error(lineno, "expected , or } after label %s" % lname)
            return None, 0

    def check_sample_kind(self, lineno, fam, name, labels, value):
        kind = fam.type
        if kind == "counter":
            if value < 0 or math.isnan(value):
                self.error(lineno, "counter %s: value %s is not a non-negative number"
                           % (name, value))
        elif kind == "histogram":
            if name == fam.name + "_bucket":
                le = labels.get("le")
                if le is None:
                    self.error(lineno, "histogram bucket %s without an le label" % name)
                elif parse_float(le) is None or math.isnan(parse_float(le)):
                    self.error(lineno, "histogram bucket %s: le=%r is not a number" % (name, le))
            elif name in (fam.name + "_sum", fam.name + "_count"):
                if "le" in labels:
                    self.error(lineno, "%s may not have an le label" % name)
            else:
                self.error(lineno, "histogram %s: sample %s is not one of %s_bucket, _sum, _count"
                           % (fam.name, name, fam.name))
            if name != fam.name + "_sum" and (value < 0 or math.isnan(value)):
                self.error(lineno, "histogram %s: a count may not be %s" % (name, value))
        elif kind == "summary":
            if name == fam.name:
                q = labels.get("quantile")
                if q is None:
                    self.error(lineno, "summary %s without a quantile label" % name)
                else:
                    qv = parse_float(q)
                    if qv is None or not 0 <= qv <= 1:
                        self.error(lineno, "summary %s: quantile=%r is not between 0 and 1"
                                   % (name, q))
            elif name in (fam.name + "_sum", fam.name + "_count"):
                if "quantile" in labels:
                    self.error(lineno, "%s may not have a quantile label" % name)
            else:
                self.error(lineno, "summary %s: sample %s is not one of %s, %s_sum, %s_count"
                           % (fam.name, name, fam.name, fam.name, fam.name))

    # ---- whole families ----

    def finish(self):
        for name in self.order:
            fam = self.families[name]
            if fam.type == "histogram":
                self.check_histogram(fam)

    def check_histogram(self, fam):
        """Per label set (le aside): a +Inf bucket, buckets cumulative, _count the +Inf bucket."""
        groups = {}
        counts = {}
        for lineno, name, labels, value in fam.samples:
            rest = frozenset((k, v) for k, v in labels.items() if k != "le")
            if name == fam.name + "_bucket" and "le" in labels:
                le = parse_float(labels["le"])
                if le is not None:
                    groups.setdefault(rest, []).append((le, value, lineno))
            elif name == fam.name + "_count":
                counts[rest] = (value, lineno)
        for rest, buckets in groups.items():
            first = buckets[0][2]
            buckets.sort()
            if buckets[-1][0] != math.inf:
                self.error(first, "histogram %s%s has no le=\"+Inf\" bucket"
                           % (fam.name, format_labels(dict(rest))))
            for (le_a, va, _), (le_b, vb, line_b) in zip(buckets, buckets[1:]):
                if vb < va:
                    self.error(line_b, "histogram %s: bucket le=%s holds fewer (%s) than bucket "
                                       "le=%s (%s)" % (fam.name, le_b, vb, le_a, va))
            if rest in counts and buckets[-1][0] == math.inf and counts[rest][0] != buckets[-1][1]:
                self.error(counts[rest][1], "histogram %s: _count %s differs from the +Inf "
                                            "bucket %s" % (fam.name, counts[rest][0],
                                                           buckets[-1][1]))


def format_labels(labels):
    if not labels:
        return ""
    inner = ",".join('%s="%s"' % (k, v.replace("\\", "\\\\").replace('"', '\\"')
                                  .replace("\n", "\\n")) for k, v in sorted(labels.items()))
    return "{" + inner + "}"


def check(data, require=()):
    """Checks bytes data; returns (errors as (line, message), families, samples)."""
    c = Checker()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        lineno = data[: e.start].count(b"\n") + 1
        return [(lineno, "not valid UTF-8")], 0, 0
    if text and not text.endswith("\n"):
        c.error(text.count("\n") + 1, "the last line does not end with a newline")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for i, line in enumerate(lines, 1):
        c.line(i, line)
    c.finish()
    errors = sorted(c.errors, key=lambda e: e[0])
    for name in require:
        fam = c.families.get(name)
        if fam is None or not fam.samples:
            errors.append((0, "required metric family %s has no sample" % name))
    return errors, len(c.families), c.sample_count


# ---- self-test ----

GOOD, BAD = True, False
CASES = [
    # (expected valid, input, require, a word the first error must contain)
    (GOOD, "", (), None),
    (GOOD, "# HELP up Whether it is up.\n# TYPE up gauge\nup 1\n", (), None),
    (GOOD, "# a plain comment\n\nfoo 1\n#another\n", (), None),
    (GOOD, 'x_total{a="1",b="two"} 3 1700000000000\n', (), None),
    (GOOD, '# TYPE r_total counter\nr_total{path="a\\\\b\\"c\\nd"} 0\n', (), None),
    (GOOD, "a +Inf\nb -Inf\nc NaN\nd -1.5e-3\ne .5\n", (), None),
    (GOOD, 'm{a="x",} 1\n', (), None),
    (GOOD, "# TYPE h histogram\n"
           'h_bucket{le="0.5"} 1\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 3\n'
           "h_sum 2.5\nh_count 3\n", (), None),
    (GOOD, "# TYPE s summary\n"
           's{quantile="0.5"} 1\ns{quantile="0.99"} 4\ns_sum 10\ns_count 5\n', (), None),
    (GOOD, "# TYPE up gauge\nup 1\n", ("up",), None),
    (GOOD, "# HELP d A \\\\ backslash and a\\nnewline.\nd 1\n", (), None),
    (BAD, "up 1", (), "newline"),
    (BAD, "9up 1\n", (), "not a sample"),
    (BAD, "up\n", (), "value"),
    (BAD, "up one\n", (), "invalid value"),
    (BAD, "up inf\n", (), "invalid value"),
    (BAD, "up 1 2 3\n", (), "fields"),
    (BAD, "up 1 1.5\n", (), "timestamp"),
    (BAD, 'up{9a="1"} 1\n', (), "label name"),
    (BAD, "up{a=1} 1\n", (), "double quotes"),
    (BAD, 'up{a="\\t"} 1\n', (), "escape"),
    (BAD, 'up{a="x} 1\n', (), "unterminated"),
    (BAD, 'up{a="1",a="2"} 1\n', (), "twice"),
    (BAD, 'up{__name__="x"} 1\n', (), "reserved"),
    (BAD, "# HELP up one\n# HELP up two\nup 1\n", (), "second HELP"),
    (BAD, "# TYPE up gauge\n# TYPE up gauge\nup 1\n", (), "second TYPE"),
    (BAD, "up 1\n# TYPE up gauge\n", (), "after its samples"),
    (BAD, "# TYPE up meter\nup 1\n", (), "unknown type"),
    (BAD, "a 1\nb 1\na{x=\"1\"} 2\n", (), "contiguous"),
    (BAD, "up 1\nup 2\n", (), "duplicate"),
    (BAD, 'up{a="1",b="2"} 1\nup{b="2",a="1"} 1\n', (), "duplicate"),
    (BAD, "# TYPE requests counter\nrequests 1\n", (), "_total"),
    (BAD, "# TYPE r_total counter\nr_total -1\n", (), "non-negative"),
    (BAD, "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", (), "+Inf"),
    (BAD, "# TYPE h histogram\nh_bucket 1\n", (), "le label"),
    (BAD, "# TYPE h histogram\nh 1\n", (), "not one of"),
    (BAD, "# TYPE h histogram\n"
          'h_bucket{le="1"} 3\nh_bucket{le="+Inf"} 2\nh_count 2\n', (), "fewer"),
    (BAD, "# TYPE h histogram\n"
          'h_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n', (), "differs"),
    (BAD, "# TYPE s summary\ns 1\n", (), "quantile"),
    (BAD, '# TYPE s summary\ns{quantile="2"} 1\n', (), "between 0 and 1"),
    (BAD, "# HELP up bad \\q escape\nup 1\n", (), "escape"),
    (BAD, "up 1\r\n", (), "carriage return"),
    (BAD, "# TYPE up gauge\n", ("up",), "required"),
    (BAD, "up 1\n", ("down",), "required"),
    (BAD, b"up\xff 1\n", (), "UTF-8"),
]


def self_test():
    passed = failed = 0
    for i, (want_ok, text, require, word) in enumerate(CASES, 1):
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        errors, _, _ = check(data, require)
        ok = not errors
        good = ok == want_ok and (word is None or (errors and word in errors[0][1]))
        if good:
            passed += 1
        else:
            failed += 1
            print("case %d FAILED: input %r: expected %s%s, got %s"
                  % (i, text, "valid" if want_ok else "invalid",
                     " mentioning %r" % word if word else "",
                     errors or "valid"))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


def main(argv):
    ap = argparse.ArgumentParser(
        description="Check the Prometheus text exposition format 0.0.4 on standard input.")
    ap.add_argument("--require", action="append", default=[], metavar="NAME",
                    help="fail unless a sample of metric family NAME is present (repeatable)")
    ap.add_argument("--self-test", action="store_true", help="run the built-in cases")
    args = ap.parse_args(argv)
    if args.self_test:
        return self_test()
    errors, families, samples = check(sys.stdin.buffer.read(), args.require)
    if errors:
        for lineno, message in errors:
            print("%s: %s" % ("line %d" % lineno if lineno else "end of input", message))
        return 1
    print("ok %d families %d samples" % (families, samples))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
