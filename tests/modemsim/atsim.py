#!/usr/bin/python3
"""A GSM modem simulator that speaks AT commands in PDU mode on stdin/stdout.

libGammu runs it through `connection = "proxyat"` and drives it with the same
AT driver it uses for real USB modems, so the daemon's modem code is tested
against real libGammu parsing instead of the dummy driver.

Layout of DIR (see README.md beside this file):
  DIR/inbox/<n>      one stored SMS at SIM index n, PDU hex as AT+CMGL shows it
  DIR/inbox-me/<n>   the same for storage "ME" (only with --me)
  DIR/sent/<seq>     one file per PDU received through AT+CMGS
  DIR/faults         key=value lines, re-read on every command
  DIR/pin-attempts   one line per AT+CPIN="..." attempt: "<code> ok|wrong|puk"
  DIR/at.log         every command received and every line answered
  DIR/reports-pending  delivery reports not yet due: "<due> <mr> <address hex> <status>"
  DIR/calls          one line per incoming call that ended: "<number> rejected ATH"
  DIR/call-state     the current incoming call: "<state> <started> <number>"
  DIR/resets         one line per AT+CFUN reset ordered: "<time> <command>"

Only the standard library is used, so the tests need nothing but Debian's
python3.
"""

import argparse
import datetime
import os
import select
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkpdu  # noqa: E402  (beside this file; standard library only)

CTRL_Z = 0x1A
ESC = 0x1B

# Faults with their defaults; the command line sets the base values and
# DIR/faults overrides them key by key while the simulator runs.
FAULT_DEFAULTS = {
    "hang": 0,
    "hang_in_cmgl": 0,
    "send_error": 0,
    "send_swallow": 0,
    "slow_ms": 0,
    "die_after": 0,
    "sim_full": 0,
    "fake_delete": 0,
    # Delivery reports are opt-in: the daemon asks for one with every reply,
    # and the project's older tests count every part stored on the SIM.
    "reports": 0,
    "report_delay_ms": 300,
    "report_status": "delivered",
    "ring": "",
    "ring_for_s": 30,
    # A modem whose message store is stuck: it answers the driver's set-up but
    # no command that touches messages, until a full restart (AT+CFUN=1,1)
    # clears it (libGammu's AT driver sends that for GSM_Reset(soft); it has
    # no hard reset). The restart rewrites DIR/faults without the key, since
    # the state belongs to the modem, not to one simulator process.
    "wedge": 0,
    # No network: not registered (+CREG: n,0), no signal (+CSQ: 99,99) and no
    # operator (+COPS: 0), as a modem shows out of coverage or with its
    # antenna off.
    "no_network": 0,
    # The network's answer to a USSD request (AT+CUSD=1,"<code>",15), sent as
    # +CUSD: 0,"<text>",15 after the OK, as a balance code such as *888# is
    # answered. Empty: the request is refused (+CME ERROR: 3).
    "ussd_reply": "",
    # A modem without USSD: every AT+CUSD is answered ERROR.
    "no_ussd": 0,
}

# Commands a wedged message store does not answer.
WEDGED_COMMANDS = ("AT+CMGL", "AT+CMGR", "AT+CMGD", "AT+CMGS")

# Keys whose value is kept as text instead of a number.
STRING_FAULTS = ("report_status", "ring", "ussd_reply")

# TP-ST values (3GPP TS 23.040 9.2.3.15) that report_status may name.
REPORT_STATUS = {
    "delivered": 0x00,
    "pending": 0x20,
    "failed": 0x41,
    "expired": 0x46,
}

# Seconds between two RING (or +CRING) of an incoming call, as networks
# repeat the alerting about every 2 to 5 seconds.
RING_INTERVAL_S = 2.0

# +CMS ERROR codes of 3GPP TS 27.005 section 3.2.5 that a real modem gives.
CMS_SIM_PIN_REQUIRED = 311
CMS_INVALID_PDU_PARAM = 304
CMS_OP_NOT_ALLOWED = 302
CMS_INVALID_INDEX = 321
CMS_UNKNOWN = 500

# +CME ERROR codes of 3GPP TS 27.007 section 9.2.
CME_SIM_PIN_REQUIRED = 11
CME_SIM_PUK_REQUIRED = 12
CME_INCORRECT_PASSWORD = 16
CME_OP_NOT_ALLOWED = 3

CME_TEXT = {
    CME_OP_NOT_ALLOWED: "operation not allowed",
    CME_SIM_PIN_REQUIRED: "SIM PIN required",
    CME_SIM_PUK_REQUIRED: "SIM PUK required",
    CME_INCORRECT_PASSWORD: "incorrect password",
}

PIN_TRIES = 3


def parse_bool_or_int(text):
    text = text.strip().lower()
    if text in ("yes", "true", "on"):
        return 1
    if text in ("no", "false", "off", ""):
        return 0
    return int(text, 0)


def read_fault_file(path):
    """Returns the faults set in the file, or {} when there is none.

    A line that does not parse is ignored rather than fatal, because a test
    may be rewriting the file at the very moment it is read.
    """
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return {}
    faults = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" not in line:
            continue
        key, value = line.split("=", 1)
        key = key.strip().replace("-", "_")
        if key not in FAULT_DEFAULTS:
            continue
        if key in STRING_FAULTS:
            value = value.strip()
            if key == "report_status" and report_status_code(value) is None:
                continue
            faults[key] = value
            continue
        try:
            faults[key] = parse_bool_or_int(value)
        except ValueError:
            continue
    return faults


def report_status_code(value):
    """TP-ST for a report_status value: a name of REPORT_STATUS or a number
    (0x41 or 65); None when it is neither."""
    value = str(value).strip().lower()
    if value in REPORT_STATUS:
        return REPORT_STATUS[value]
    try:
        code = int(value, 0)
    except ValueError:
        return None
    return code if 0 <= code <= 255 else None


def report_status_name(code):
    for name, value in REPORT_STATUS.items():
        if value == code:
            return name
    return "0x%02X" % code


def number_type(number):
    """Type of address: 145 international when it starts with "+", else 129."""
    return 145 if number.startswith("+") else 129


def ring_number(value):
    """The caller of ring=<number>, or "" when no call is wanted."""
    value = str(value).strip()
    if value.lower() in ("", "0", "no", "off", "false"):
        return ""
    return value


def split_args(text):
    """Splits an AT argument list on commas outside double quotes."""
    args, cur, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            cur.append(ch)
        elif ch == "," and not quoted:
            args.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    args.append("".join(cur).strip())
    return args


def unquote(text):
    text = text.strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1]
    return text


def normalise_command(raw):
    """Uppercases the command outside quoted strings, as modems ignore case
    in command names but must keep PIN codes and numbers as typed."""
    out, quoted = [], False
    for ch in raw:
        if ch == '"':
            quoted = not quoted
            out.append(ch)
        else:
            out.append(ch if quoted else ch.upper())
    return "".join(out).strip()


def tpdu_length(pdu_hex):
    """The length AT+CMGL/AT+CMGR report: octets after the SMSC part."""
    n_octets = len(pdu_hex) // 2
    try:
        smsc_len = int(pdu_hex[0:2], 16)
    except ValueError:
        smsc_len = 0
    return max(0, n_octets - 1 - smsc_len)


class Storage:
    """One message store (SIM or phone memory) backed by a folder.

    The folder is scanned on every command because tests add and remove
    files while the simulator runs; a listdir of a few thousand names costs
    about a millisecond, far below a real modem's answer time.
    """

    def __init__(self, name, path, size):
        self.name = name
        self.path = path
        self.size = size
        # Indexes already reported once, so AT+CMGL shows them as REC READ
        # the next time, as a real modem marks a listed message read.
        self.read = set()
        os.makedirs(path, exist_ok=True)

    def indexes(self):
        try:
            names = os.listdir(self.path)
        except OSError:
            return []
        found = sorted(int(n) for n in names if n.isdigit() and int(n) > 0)
        self.read.intersection_update(found)
        return found

    def load(self, index):
        try:
            with open(os.path.join(self.path, str(index)), "rb") as f:
                data = f.read()
        except OSError:
            return None
        return data.decode("ascii", "replace").strip().replace(" ", "").upper()

    def delete(self, index):
        try:
            os.unlink(os.path.join(self.path, str(index)))
        except FileNotFoundError:
            pass
        self.read.discard(index)

    def stat_of(self, index):
        return 1 if index in self.read else 0


class Simulator:
    def __init__(self, opts):
        self.opts = opts
        self.dir = opts.dir
        os.makedirs(self.dir, exist_ok=True)
        self.sent_dir = os.path.join(self.dir, "sent")
        os.makedirs(self.sent_dir, exist_ok=True)
        self.fault_path = os.path.join(self.dir, "faults")
        self.pin_path = os.path.join(self.dir, "pin-attempts")
        self.log = open(os.path.join(self.dir, "at.log"), "a", encoding="utf-8")
        self.pid = os.getpid()

        self.storages = {"SM": Storage("SM", os.path.join(self.dir, "inbox"), opts.sim_size)}
        if opts.me:
            self.storages["ME"] = Storage("ME", os.path.join(self.dir, "inbox-me"), opts.me_size)
        self.mem = ["SM", "SM", "SM"]

        self.echo = not opts.echo_off
        self.cmee = 0
        self.charset = "GSM"
        self.cmgf = 0
        self.creg_mode = 0
        self.cgreg_mode = 0
        self.cops_format = 0
        self.cnmi = [0, 0, 0, 0, 0]
        self.smsc = opts.smsc
        # The SIM keeps the last message reference (EF SMSS), so it goes on
        # increasing across restarts of the simulator, as gammu's one-shot
        # commands restart it every time.
        self.mr_path = os.path.join(self.dir, "mr")
        self.mr = self._load_mr()
        self.next_sent = self._max_sent() + 1

        # The SIM remembers wrong PIN entries across power cycles, so the
        # remaining tries are counted from the tail of DIR/pin-attempts; a
        # daemon that retries a wrong PIN on every restart then locks the SIM
        # here as it would in the field.
        self.pin_state = "READY"
        if opts.pin is not None:
            self.pin_state = "SIM PIN"
            if self._consecutive_wrong_pins() >= PIN_TRIES:
                self.pin_state = "SIM PUK"

        self.base_faults = {}
        for key in FAULT_DEFAULTS:
            self.base_faults[key] = getattr(opts, key)
        self.faults = dict(self.base_faults)
        self.commands = 0
        # die_after counts from the moment its current value took effect, so
        # a test that writes die_after=3 into DIR/faults gets three more
        # answers, not an immediate exit because of earlier traffic.
        self.die_value = self.faults["die_after"]
        self.die_base = 0
        self.wedged_in_cmgl = False
        self.known_new = None

        self.inbuf = bytearray()
        self.pdu_len = None
        self.pdu_cmd = None
        self.note("start pid=%d argv=%s" % (self.pid, " ".join(sys.argv[1:])))

        # Delivery reports travel through the network, not the modem, so the
        # ones not yet due are kept in a file: gammu's one-shot commands kill
        # the simulator right after +CMGS, and the next start stores them.
        self.reports_path = os.path.join(self.dir, "reports-pending")
        self.pending_reports = self._load_pending_reports()

        # Incoming calls: AT+CLIP=1 adds +CLIP after each ring, AT+CRC=1
        # turns RING into +CRING: VOICE (3GPP TS 27.007 7.6 and 6.11).
        self.clip = 0
        self.crc = 0
        self.calls_path = os.path.join(self.dir, "calls")
        self.call_state_path = os.path.join(self.dir, "call-state")
        self.call = self._load_call()
        self.next_ring = 0.0
        self.refresh_faults()
        self.tick()

    # ---- logging and output -------------------------------------------

    def logline(self, kind, text):
        stamp = time.time()
        self.log.write("%.3f %d %s %s\n" % (stamp, self.pid, kind, text))
        self.log.flush()

    def note(self, text):
        self.logline("NOTE", text)

    def write(self, data):
        view = memoryview(data)
        while view:
            try:
                n = os.write(1, view)
            except BrokenPipeError:
                self.note("stdout closed, exiting")
                sys.exit(0)
            view = view[n:]

    def answer(self, lines, final="OK"):
        """Writes info lines and a final result code in V.25ter verbose form,
        each framed by CR LF as a real modem frames them."""
        if self.faults["slow_ms"] > 0:
            time.sleep(self.faults["slow_ms"] / 1000.0)
        out = bytearray()
        for line in lines:
            # An element may hold several lines that form one information
            # response (the +CMGR header and its PDU), which a modem
            # separates by a single CR LF.
            out += b"\r\n" + line.encode("latin-1", "replace") + b"\r\n"
            for part in line.split("\r\n"):
                self.logline("TX", part)
        if final is not None:
            out += b"\r\n" + final.encode("latin-1") + b"\r\n"
            self.logline("TX", final)
        self.write(bytes(out))

    def cme(self, code, lines=()):
        if self.cmee == 0:
            self.answer(list(lines), "ERROR")
        elif self.cmee == 2 and code in CME_TEXT:
            self.answer(list(lines), "+CME ERROR: %s" % CME_TEXT[code])
        else:
            self.answer(list(lines), "+CME ERROR: %d" % code)

    def cms(self, code):
        if self.cmee == 0:
            self.answer([], "ERROR")
        else:
            self.answer([], "+CMS ERROR: %d" % code)

    def error(self):
        self.answer([], "ERROR")

    def enc(self, text):
        """Encodes a string parameter in the TE character set chosen by
        AT+CSCS, because libGammu decodes quoted strings with it."""
        if self.charset in ("UCS2", "UCS-2"):
            return "".join("%04X" % ord(c) for c in text)
        if self.charset == "HEX":
            return "".join("%02X" % ord(c) for c in text)
        return text

    def dec(self, text):
        """Decodes a string parameter sent in the TE character set."""
        try:
            if self.charset in ("UCS2", "UCS-2"):
                return bytes.fromhex(text).decode("utf-16-be")
            if self.charset == "HEX":
                return bytes.fromhex(text).decode("latin-1")
        except ValueError:
            pass
        return text

    # ---- faults --------------------------------------------------------

    def refresh_faults(self):
        faults = dict(self.base_faults)
        faults.update(read_fault_file(self.fault_path))
        if faults != self.faults:
            changed = sorted(k for k in faults if faults[k] != self.faults.get(k))
            self.note("faults " + " ".join("%s=%s" % (k, faults[k]) for k in changed))
        if faults["die_after"] != self.die_value:
            self.die_value = faults["die_after"]
            self.die_base = self.commands
        if not faults["hang_in_cmgl"]:
            self.wedged_in_cmgl = False
        self.faults = faults

    def silent(self, cmd=""):
        if self.faults["wedge"] and cmd.startswith(WEDGED_COMMANDS):
            return True
        return bool(self.faults["hang"]) or self.wedged_in_cmgl

    def clear_wedge(self):
        """A full restart: the faults file loses its wedge line for good."""
        try:
            with open(self.fault_path) as f:
                kept = [l for l in f if not l.strip().startswith("wedge")]
        except FileNotFoundError:
            kept = []
        tmp = self.fault_path + ".tmp"
        with open(tmp, "w") as f:
            f.writelines(kept)
        os.replace(tmp, self.fault_path)
        self.refresh_faults()

    def after_command(self):
        if self.die_value > 0 and self.commands - self.die_base >= self.die_value:
            self.note("die_after=%d reached, exiting" % self.die_value)
            sys.exit(0)

    # ---- main loop -----------------------------------------------------

    def run(self):
        fd = 0
        while True:
            # The faults file is polled while idle too (ring= must start a
            # call with no command pending), and the wait ends early for a
            # report or a ring that is due.
            ready, _, _ = select.select([fd], [], [], self.idle_timeout())
            if not ready:
                self.refresh_faults()
                if self.cnmi[1] in (1, 2) and not self.silent():
                    self.poll_new_messages()
                self.tick()
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                self.note("stdin closed, exiting")
                return
            self.inbuf += chunk
            self.process_input()
            self.tick()

    def idle_timeout(self):
        timeout = 0.5
        now = time.time()
        if self.pending_reports:
            timeout = min(timeout, max(0.0, min(r[0] for r in self.pending_reports) - now))
        if self.call is not None and self.call["state"] == "ringing":
            timeout = min(timeout, max(0.0, self.next_ring - now))
        return timeout

    def can_emit(self):
        """Unsolicited result codes go out only between commands: never to a
        hung modem, nor while a PDU is being typed after the "> " prompt."""
        return not self.silent() and self.pdu_len is None

    def unsolicited(self, lines):
        out = bytearray()
        for line in lines:
            self.logline("TX", line)
            out += b"\r\n" + line.encode("latin-1", "replace") + b"\r\n"
        self.write(bytes(out))

    def tick(self):
        now = time.time()
        self.tick_reports(now)
        self.tick_call(now)

    def process_input(self):
        while True:
            if self.pdu_len is not None:
                if not self.take_pdu():
                    return
                continue
            pos = self.inbuf.find(b"\r")
            if pos < 0:
                # A lone LF is tolerated as a terminator too, since some
                # programs end commands with "\n" only.
                pos = self.inbuf.find(b"\n")
                if pos < 0:
                    return
            raw = bytes(self.inbuf[:pos])
            del self.inbuf[: pos + 1]
            line = raw.decode("latin-1")
            # A modem in command state discards everything before "AT",
            # such as a stray Ctrl-Z or ESC left from an aborted PDU.
            start = line.upper().find("AT")
            line = line[start:].strip("\n\r\x00 ") if start >= 0 else ""
            if not line:
                # A modem in command state waits for "AT" and drops anything
                # else silently; libGammu starts with ESC CR to leave a
                # possibly pending SMS prompt and expects no answer to it.
                if raw.strip():
                    self.logline("RX", "ignored %r" % raw)
                continue
            self.handle_line(line, raw)

    def handle_line(self, line, raw):
        self.refresh_faults()
        self.commands += 1
        self.logline("RX", line)
        if self.silent(normalise_command(line)):
            self.note("silent (hang): not answering")
            # A PDU that follows an unanswered AT+CMGS must still be eaten
            # as data, or its hex would be parsed as commands later.
            if normalise_command(line).startswith("AT+CMGS="):
                self.pdu_len = -1
                self.pdu_cmd = "hung"
            self.after_command()
            return
        if self.echo:
            self.write(raw + b"\r")
        self.dispatch(normalise_command(line))
        self.after_command()

    def take_pdu(self):
        """Consumes PDU text after the "> " prompt up to Ctrl-Z or ESC."""
        end = -1
        for i, b in enumerate(self.inbuf):
            if b in (CTRL_Z, ESC):
                end = i
                break
        if end < 0:
            return False
        data = bytes(self.inbuf[:end])
        terminator = self.inbuf[end]
        del self.inbuf[: end + 1]
        pdu = data.decode("latin-1").replace("\r", "").replace("\n", "").strip().upper()
        expected, mode = self.pdu_len, self.pdu_cmd
        self.pdu_len = None
        self.pdu_cmd = None
        self.refresh_faults()
        if terminator == ESC:
            self.logline("RX", "PDU %s <ESC>" % pdu)
            if mode != "hung" and not self.silent():
                if self.echo:
                    self.write(data)
                self.answer([], "OK")
            return True
        self.logline("RX", "PDU %s <CTRL-Z>" % pdu)
        if mode == "hung" or self.silent():
            self.note("silent (hang): PDU not answered")
            return True
        if self.echo:
            self.write(data)
        self.finish_send(pdu, expected)
        return True

    # ---- command dispatch ----------------------------------------------

    def dispatch(self, cmd):
        if not cmd.startswith("AT"):
            self.error()
            return
        body = cmd[2:]
        if body == "":
            self.answer([])
            return
        if body in ("A", "H", "H0"):
            self.call_command(body)
            return
        if body[0] in "EVQZI&" or body[:1] == "S" and body[1:2].isdigit():
            self.basic(body)
            return
        if not body.startswith("+"):
            self.error()
            return
        # Split "+CMGL=4", "+CPMS?", "+CHUP=?" into name and suffix.
        name = body
        suffix = ""
        for i, ch in enumerate(body):
            if ch in "=?":
                name, suffix = body[:i], body[i:]
                break
        handler = getattr(self, "cmd_" + name[1:].replace("^", "_"), None)
        if handler is None:
            self.error()
            return
        handler(suffix)

    def basic(self, body):
        if body in ("E0", "E"):
            self.echo = False
            self.answer([])
        elif body == "E1":
            self.echo = True
            self.answer([])
        elif body in ("Z", "Z0", "&F", "&F0"):
            # A reset restores the factory profile, which has echo on.
            self.echo = True
            self.cmee = 0
            self.answer([])
        elif body in ("V1", "Q0", "&C1", "&D2", "&W"):
            self.answer([])
        elif body in ("I", "I0"):
            self.answer([self.opts.manufacturer + " " + self.opts.model])
        else:
            self.error()

    def sim_locked(self, sms=False):
        if self.pin_state == "READY":
            return False
        if sms:
            self.cms(CMS_SIM_PIN_REQUIRED)
        elif self.pin_state == "SIM PUK":
            self.cme(CME_SIM_PUK_REQUIRED)
        else:
            self.cme(CME_SIM_PIN_REQUIRED)
        return True

    # -- functionality (27.007 8.2)

    def cmd_CFUN(self, s):
        if s == "=?":
            self.answer(["+CFUN: (0,1,4),(0,1)"])
        elif s == "?":
            self.answer(["+CFUN: 1"])
        elif s.startswith("="):
            args = split_args(s[1:])
            if len(args) == 2 and args[1] == "1":
                with open(os.path.join(self.dir, "resets"), "a") as f:
                    f.write("%.3f AT+CFUN%s\n" % (time.time(), s))
                self.note("reset ordered (AT+CFUN%s)" % s)
                self.clear_wedge()
            self.answer([])
        else:
            self.error()

    # -- identity

    def cmd_CMEE(self, s):
        if s == "=?":
            self.answer(["+CMEE: (0-2)"])
        elif s == "?":
            self.answer(["+CMEE: %d" % self.cmee])
        elif s.startswith("=") and s[1:] in ("0", "1", "2"):
            self.cmee = int(s[1:])
            self.answer([])
        else:
            self.error()

    def cmd_CSCS(self, s):
        # HEX is accepted but not advertised: offered, libGammu picks it and
        # every string answer would need hex encoding, which few real modems
        # in the field (Huawei, ZTE) do.
        offered = ["IRA", "GSM", "UCS2"]
        supported = offered + ["HEX"]
        if s == "=?":
            self.answer(["+CSCS: (%s)" % ",".join('"%s"' % c for c in offered)])
        elif s == "?":
            self.answer(['+CSCS: "%s"' % self.charset])
        elif s.startswith("="):
            want = unquote(s[1:]).upper()
            if want in supported:
                self.charset = want
                self.answer([])
            else:
                self.cme(CME_OP_NOT_ALLOWED)
        else:
            self.error()

    def simple_value(self, s, value):
        if s == "" or s == "?":
            self.answer([value])
        elif s == "=?":
            self.answer([])
        else:
            self.error()

    def cmd_CGMI(self, s):
        self.simple_value(s, self.opts.manufacturer)

    def cmd_GMI(self, s):
        self.simple_value(s, self.opts.manufacturer)

    def cmd_CGMM(self, s):
        self.simple_value(s, self.opts.model)

    def cmd_GMM(self, s):
        self.simple_value(s, self.opts.model)

    def cmd_CGMR(self, s):
        self.simple_value(s, self.opts.revision)

    def cmd_GMR(self, s):
        self.simple_value(s, self.opts.revision)

    def cmd_CGSN(self, s):
        self.simple_value(s, self.opts.imei)

    def cmd_GSN(self, s):
        self.simple_value(s, self.opts.imei)

    def cmd_CIMI(self, s):
        if self.sim_locked():
            return
        self.simple_value(s, self.opts.imsi)

    # -- SIM PIN

    def _consecutive_wrong_pins(self):
        try:
            with open(self.pin_path, "r", encoding="utf-8", errors="replace") as f:
                lines = f.read().split("\n")
        except OSError:
            return 0
        count = 0
        for line in reversed([l for l in lines if l.strip()]):
            if line.split()[-1] == "wrong":
                count += 1
            else:
                break
        return count

    def _record_pin(self, code, result):
        with open(self.pin_path, "a", encoding="utf-8") as f:
            f.write("%s %s\n" % (code, result))

    def cmd_CPIN(self, s):
        if s == "?":
            self.answer(["+CPIN: %s" % self.pin_state])
            return
        if s == "=?":
            self.answer([])
            return
        if not s.startswith("="):
            self.error()
            return
        args = [unquote(a) for a in split_args(s[1:])]
        if self.pin_state == "READY":
            # A SIM that needs no PIN refuses one, as real modems do.
            self._record_pin(args[0], "not-needed")
            self.cme(CME_OP_NOT_ALLOWED)
            return
        if self.pin_state == "SIM PUK":
            if len(args) >= 2 and args[0] == self.opts.puk:
                self._record_pin(args[0], "puk")
                self.pin_state = "READY"
                self.answer([])
            else:
                self._record_pin(args[0], "puk-wrong")
                self.cme(CME_INCORRECT_PASSWORD)
            return
        if args[0] == self.opts.pin:
            self._record_pin(args[0], "ok")
            self.pin_state = "READY"
            self.answer([])
            return
        self._record_pin(args[0], "wrong")
        if self._consecutive_wrong_pins() >= PIN_TRIES:
            self.pin_state = "SIM PUK"
            self.note("PIN blocked after %d wrong tries" % PIN_TRIES)
        self.cme(CME_INCORRECT_PASSWORD)

    # -- network and power status

    def cmd_CSQ(self, s):
        if s == "=?":
            self.answer(["+CSQ: (0-31,99),(0-7,99)"])
        elif self.faults["no_network"]:
            self.answer(["+CSQ: 99,99"])
        else:
            self.answer(["+CSQ: %d,99" % self.opts.csq])

    def cmd_CBC(self, s):
        if s == "=?":
            self.answer(["+CBC: (0-3),(0-100)"])
        else:
            self.answer(["+CBC: 0,%d" % self.opts.battery])

    def cmd_CREG(self, s):
        if s == "?":
            if self.pin_state != "READY" or self.faults["no_network"]:
                self.answer(["+CREG: %d,0" % self.creg_mode])
            elif self.creg_mode == 2:
                self.answer(['+CREG: 2,1,"%s","%s"' % ("00A1", "0B2C")])
            else:
                self.answer(["+CREG: %d,1" % self.creg_mode])
        elif s == "=?":
            self.answer(["+CREG: (0-2)"])
        elif s.startswith("=") and s[1:] in ("0", "1", "2"):
            self.creg_mode = int(s[1:])
            self.answer([])
        else:
            self.error()

    def cmd_COPS(self, s):
        if s == "?":
            if self.pin_state != "READY" or self.faults["no_network"]:
                self.answer(["+COPS: 0"])
            elif self.cops_format == 2:
                self.answer(['+COPS: 0,2,"%s"' % self.enc(self.opts.operator_code)])
            else:
                self.answer(['+COPS: 0,%d,"%s"' % (self.cops_format, self.enc(self.opts.operator))])
        elif s == "=?":
            self.answer(['+COPS: (2,"%s","%s","%s"),,(0-4),(0-2)'
                         % (self.opts.operator, self.opts.operator, self.opts.operator_code)])
        elif s.startswith("="):
            args = split_args(s[1:])
            if len(args) >= 2 and args[0] == "3" and args[1] in ("0", "1", "2"):
                self.cops_format = int(args[1])
            self.answer([])
        else:
            self.error()

    def cmd_CGREG(self, s):
        if s == "?":
            self.answer(["+CGREG: %d,1" % self.cgreg_mode])
        elif s == "=?":
            self.answer(["+CGREG: (0-2)"])
        elif s.startswith("=") and s[1:] in ("0", "1", "2"):
            self.cgreg_mode = int(s[1:])
            self.answer([])
        else:
            self.error()

    def cmd_CLIP(self, s):
        # +CLIP: <n>,<m>: presentation as set, and CLIP provisioned (1).
        if s == "?":
            self.answer(["+CLIP: %d,1" % self.clip])
        elif s == "=?":
            self.answer(["+CLIP: (0,1)"])
        elif s in ("=0", "=1", "="):
            self.clip = 1 if s == "=1" else 0
            self.answer([])
        else:
            self.error()

    def cmd_CUSD(self, s):
        if self.faults["no_ussd"]:
            self.error()
        elif s == "=?":
            self.answer(["+CUSD: (0,1,2)"])
        elif s.startswith("=") and split_args(s[1:])[0] in ("0", "1", "2"):
            args = split_args(s[1:])
            if len(args) > 1 and self.faults["ussd_reply"]:
                self.note("USSD request %s" % self.dec(unquote(args[1])))
                self.answer([])
                self.unsolicited(['+CUSD: 0,"%s",15' % self.enc(self.faults["ussd_reply"])])
            elif len(args) > 1:
                # A USSD request (with a string) has no network to go to.
                self.cme(CME_OP_NOT_ALLOWED)
            else:
                self.answer([])
        else:
            self.error()

    def cmd_CPBS(self, s):
        # The phonebook is not simulated: the SIM offers one, always empty,
        # so libGammu's probing gets the answers of a SIM-only modem.
        if s == "=?":
            self.answer(['+CPBS: ("SM")'])
        elif s == "?":
            self.answer(['+CPBS: "SM",0,250'])
        elif s.startswith("=") and unquote(s[1:]).upper() == "SM":
            self.answer([])
        else:
            self.cme(CME_OP_NOT_ALLOWED)

    def cmd_CRC(self, s):
        if s == "?":
            self.answer(["+CRC: %d" % self.crc])
        elif s == "=?":
            self.answer(["+CRC: (0,1)"])
        elif s in ("=0", "=1", "="):
            self.crc = 1 if s == "=1" else 0
            self.answer([])
        else:
            self.error()

    def cmd_CCWA(self, s):
        # Call waiting is accepted (libGammu enables it beside +CLIP) but
        # never reported: only one call at a time is simulated.
        if s == "?":
            self.answer(["+CCWA: 0"])
        elif s == "=?":
            self.answer(["+CCWA: (0,1)"])
        elif s.startswith("="):
            self.answer([])
        else:
            self.error()

    def cmd_CLCC(self, s):
        # +CLCC: id,dir,stat,mode,mpty,number,type: an incoming (dir 1)
        # voice call, stat 4 while ringing, 0 once answered.
        if s == "=?":
            self.answer([])
            return
        call = self.call
        if call is None or call["state"] not in ("ringing", "answered"):
            self.answer([])
            return
        stat = 4 if call["state"] == "ringing" else 0
        self.answer(['+CLCC: 1,1,%d,0,0,"%s",%d'
                     % (stat, self.enc(call["number"]), number_type(call["number"]))])

    def cmd_CGATT(self, s):
        if s == "?":
            self.answer(["+CGATT: 1"])
        elif s == "=?":
            self.answer(["+CGATT: (0,1)"])
        else:
            self.answer([])

    def cmd_CPBR(self, s):
        if s == "=?":
            self.answer(["+CPBR: (1-250),40,18"])
        else:
            # Every phonebook entry is empty; modems answer a read of an
            # empty range with OK alone.
            self.answer([])

    def cmd_CHUP(self, s):
        if s == "=?":
            self.answer([])
        elif s == "":
            self.call_command("+CHUP")
        else:
            self.error()

    # -- incoming voice calls

    def _load_call(self):
        """The call of DIR/call-state, kept across restarts so a call that
        was rejected does not ring again when the simulator is restarted
        with the same ring= still in DIR/faults."""
        try:
            with open(self.call_state_path, "r", encoding="utf-8") as f:
                state, started, number = f.read().strip().split(" ", 2)
            return {"state": state, "started": float(started), "number": number}
        except (OSError, ValueError):
            return None

    def _save_call(self):
        if self.call is None:
            try:
                os.unlink(self.call_state_path)
            except FileNotFoundError:
                pass
            return
        tmp = self.call_state_path + ".tmp.%d" % self.pid
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("%s %.3f %s\n" % (self.call["state"], self.call["started"], self.call["number"]))
        os.rename(tmp, self.call_state_path)

    def _record_call(self, outcome):
        with open(self.calls_path, "a", encoding="utf-8") as f:
            f.write("%s %s\n" % (self.call["number"], outcome))

    def _end_call(self, note, outcome):
        self.note(note)
        self._record_call(outcome)
        self.call["state"] = "ended"
        self._save_call()

    def tick_call(self, now):
        want = ring_number(self.faults["ring"])
        call = self.call
        if call is None and not want:
            return
        if call is None or call["number"] != want:
            # ring= changed: the old call ends from the caller's side and a
            # new one (if any) starts ringing now.
            if call is not None and call["state"] == "ringing":
                self._end_call("call %s missed (caller gave up)" % call["number"], "missed")
            elif call is not None and call["state"] == "answered":
                if self.can_emit():
                    self.unsolicited(["NO CARRIER"])
                self._end_call("call %s ended by caller" % call["number"], "ended caller")
            if want:
                self.call = {"state": "ringing", "started": now, "number": want}
                self.next_ring = now
                self.note("call %s ringing" % want)
            else:
                self.call = None
            self._save_call()
            call = self.call
            if call is None:
                return
        if call["state"] != "ringing":
            return
        if now - call["started"] >= self.faults["ring_for_s"]:
            self._end_call("call %s missed" % call["number"], "missed")
            return
        if now >= self.next_ring and self.can_emit():
            lines = ["+CRING: VOICE" if self.crc else "RING"]
            if self.clip:
                lines.append('+CLIP: "%s",%d,,,,0'
                             % (self.enc(call["number"]), number_type(call["number"])))
            self.unsolicited(lines)
            self.next_ring = now + RING_INTERVAL_S

    def call_command(self, body):
        """ATA, ATH, ATH0 and AT+CHUP (body without the leading AT)."""
        command = "AT" + body
        call = self.call
        active = call is not None and call["state"] in ("ringing", "answered")
        if body == "A":
            if call is not None and call["state"] == "ringing":
                call["state"] = "answered"
                self._save_call()
                self.note("call answered %s" % call["number"])
                self._record_call("answered ATA")
                self.answer([])
            else:
                # V.25ter: nothing to answer ends as NO CARRIER.
                self.answer([], "NO CARRIER")
            return
        if active and call["state"] == "ringing":
            self._end_call("call %s rejected by %s" % (call["number"], command),
                           "rejected %s" % command)
        elif active:
            self._end_call("call %s ended by %s" % (call["number"], command),
                           "ended %s" % command)
        self.answer([])

    # -- SMS settings

    def cmd_CMGF(self, s):
        if s == "?":
            self.answer(["+CMGF: %d" % self.cmgf])
        elif s == "=?":
            # Only PDU mode is offered: the simulator exists to test PDU
            # decoding, and text mode would hide it.
            self.answer(["+CMGF: (0)"])
        elif s == "=0":
            self.cmgf = 0
            self.answer([])
        else:
            self.error()

    def cmd_CSCA(self, s):
        if s == "?":
            if self.sim_locked():
                return
            kind = 145 if self.smsc.startswith("+") else 129
            self.answer(['+CSCA: "%s",%d' % (self.enc(self.smsc), kind)])
        elif s == "=?":
            self.answer([])
        elif s.startswith("="):
            self.smsc = unquote(split_args(s[1:])[0])
            self.answer([])
        else:
            self.error()

    def cmd_CSMS(self, s):
        if s == "?":
            self.answer(["+CSMS: 0,1,1,1"])
        elif s == "=?":
            self.answer(["+CSMS: (0,1)"])
        else:
            self.answer(["+CSMS: 1,1,1"])

    def cmd_CNMI(self, s):
        if s == "?":
            self.answer(["+CNMI: %s" % ",".join(str(v) for v in self.cnmi)])
        elif s == "=?":
            self.answer(["+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)"])
        elif s.startswith("="):
            values = split_args(s[1:])
            try:
                nums = [int(v) if v else 0 for v in values]
            except ValueError:
                self.cms(CMS_OP_NOT_ALLOWED)
                return
            for i, v in enumerate(nums[:5]):
                self.cnmi[i] = v
            self.known_new = set(self.storages["SM"].indexes())
            self.answer([])
        else:
            self.error()

    def poll_new_messages(self):
        """Announces files that appeared in DIR/inbox with +CMTI, as a modem
        does for a newly stored SMS when AT+CNMI asked for it."""
        now = set(self.storages["SM"].indexes())
        if self.known_new is None:
            self.known_new = now
            return
        for index in sorted(now - self.known_new):
            self.logline("TX", '+CMTI: "SM",%d' % index)
            self.write(b'\r\n+CMTI: "SM",%d\r\n' % index)
        self.known_new = now

    # -- message storage

    def storage_counts(self, name):
        st = self.storages[name]
        used = len(st.indexes())
        if self.faults["sim_full"]:
            used = st.size
        return used, st.size

    def cmd_CPMS(self, s):
        names = list(self.storages)
        if s == "=?":
            group = "(%s)" % ",".join('"%s"' % n for n in names)
            self.answer(["+CPMS: %s,%s,%s" % (group, group, group)])
            return
        if self.sim_locked(sms=True):
            return
        if s == "?":
            parts = []
            for mem in self.mem:
                used, total = self.storage_counts(mem)
                parts.append('"%s",%d,%d' % (mem, used, total))
            self.answer(["+CPMS: " + ",".join(parts)])
            return
        if not s.startswith("="):
            self.error()
            return
        wanted = [unquote(a).upper() for a in split_args(s[1:])]
        if not wanted or len(wanted) > 3 or any(w not in self.storages for w in wanted):
            self.cms(CMS_OP_NOT_ALLOWED)
            return
        for i, w in enumerate(wanted):
            self.mem[i] = w
        parts = []
        for mem in self.mem:
            used, total = self.storage_counts(mem)
            parts.append("%d,%d" % (used, total))
        self.answer(["+CPMS: " + ",".join(parts)])

    def cmd_CMGL(self, s):
        if s == "=?":
            self.answer(["+CMGL: (0-4)"])
            return
        if self.sim_locked(sms=True):
            return
        if s == "":
            want = 0
        elif s.startswith("=") and s[1:].isdigit():
            want = int(s[1:])
        else:
            # Text-mode names such as "ALL" are invalid in PDU mode.
            self.cms(CMS_OP_NOT_ALLOWED)
            return
        if want > 4:
            self.cms(CMS_OP_NOT_ALLOWED)
            return
        st = self.storages[self.mem[0]]
        out = bytearray()
        log_lines = []
        listed = []
        for index in st.indexes():
            stat = st.stat_of(index)
            if want != 4 and stat != want:
                continue
            pdu = st.load(index)
            if pdu is None:
                continue
            head = "+CMGL: %d,%d,,%d" % (index, stat, tpdu_length(pdu))
            out += ("\r\n%s\r\n%s\r\n" % (head, pdu)).encode("latin-1")
            log_lines.append(head)
            log_lines.append(pdu)
            listed.append(index)
            if self.faults["hang_in_cmgl"]:
                break
        if self.faults["slow_ms"] > 0:
            time.sleep(self.faults["slow_ms"] / 1000.0)
        for line in log_lines:
            self.logline("TX", line)
        if self.faults["hang_in_cmgl"] and listed:
            self.write(bytes(out))
            self.wedged_in_cmgl = True
            self.note("hang_in_cmgl: wedged after index %d" % listed[0])
            return
        out += b"\r\nOK\r\n"
        self.logline("TX", "OK")
        self.write(bytes(out))
        st.read.update(listed)

    def cmd_CMGR(self, s):
        if self.sim_locked(sms=True):
            return
        if not (s.startswith("=") and s[1:].isdigit()):
            self.cms(CMS_OP_NOT_ALLOWED)
            return
        index = int(s[1:])
        st = self.storages[self.mem[0]]
        pdu = st.load(index) if index > 0 else None
        if pdu is None:
            self.cms(CMS_INVALID_INDEX)
            return
        stat = st.stat_of(index)
        self.answer(["+CMGR: %d,,%d\r\n%s" % (stat, tpdu_length(pdu), pdu)])
        st.read.add(index)

    def cmd_CMGD(self, s):
        if s == "=?":
            self.answer(["+CMGD: (%s),(0-4)" % ",".join(str(i) for i in self.storages[self.mem[0]].indexes())])
            return
        if self.sim_locked(sms=True):
            return
        args = split_args(s[1:]) if s.startswith("=") else []
        try:
            index = int(args[0]) if args and args[0] else 0
            flag = int(args[1]) if len(args) > 1 and args[1] else 0
        except ValueError:
            self.cms(CMS_OP_NOT_ALLOWED)
            return
        st = self.storages[self.mem[0]]
        if flag == 0:
            victims = [index] if index in st.indexes() else []
            if index <= 0:
                self.cms(CMS_INVALID_INDEX)
                return
        elif flag in (1, 2, 3):
            # Flags 1-3 delete read messages (and stored outgoing ones, which
            # this simulator never holds); unread messages stay.
            victims = [i for i in st.indexes() if st.stat_of(i) == 1]
        elif flag == 4:
            victims = st.indexes()
        else:
            self.cms(CMS_OP_NOT_ALLOWED)
            return
        if self.faults["fake_delete"]:
            self.note("fake_delete: kept %s" % ",".join(str(v) for v in victims))
        else:
            for v in victims:
                st.delete(v)
        # An empty index is answered OK, as most modems do: deleting twice
        # must not look like a failure.
        self.answer([])

    # -- sending

    def _max_sent(self):
        best = 0
        for name in os.listdir(self.sent_dir):
            if name.isdigit():
                best = max(best, int(name))
        return best

    def cmd_CMGS(self, s):
        if s == "=?":
            self.answer([])
            return
        if self.sim_locked(sms=True):
            return
        if not (s.startswith("=") and split_args(s[1:])[0].isdigit()):
            self.cms(CMS_OP_NOT_ALLOWED)
            return
        length = int(split_args(s[1:])[0])
        if length < 7 or length > 164:
            self.cms(CMS_INVALID_PDU_PARAM)
            return
        self.pdu_len = length
        self.pdu_cmd = "send"
        if self.faults["slow_ms"] > 0:
            time.sleep(self.faults["slow_ms"] / 1000.0)
        self.logline("TX", "> ")
        self.write(b"\r\n> ")

    def _load_mr(self):
        try:
            with open(self.mr_path, "r", encoding="ascii") as f:
                return int(f.read().strip()) % 256
        except (OSError, ValueError):
            return 0

    def _save_mr(self):
        tmp = self.mr_path + ".tmp.%d" % self.pid
        with open(tmp, "w", encoding="ascii") as f:
            f.write("%d\n" % self.mr)
        os.rename(tmp, self.mr_path)

    def finish_send(self, pdu, expected):
        try:
            raw = bytes.fromhex(pdu)
        except ValueError:
            self.note("PDU is not hex")
            self.cms(CMS_INVALID_PDU_PARAM)
            return
        # AT+CMGS=<length> counts the TPDU without the SMSC part; a mismatch
        # is a bug in the sender that a real modem refuses.
        if not raw or len(raw) - 1 - raw[0] != expected:
            self.note("PDU length %d does not match AT+CMGS=%d"
                      % (len(raw) - 1 - (raw[0] if raw else 0), expected))
            self.cms(CMS_INVALID_PDU_PARAM)
            return
        if self.faults["send_swallow"]:
            self.note("send_swallow: PDU not answered")
            return
        if self.faults["send_error"]:
            self.cms(self.faults["send_error"])
            return
        seq = max(self.next_sent, self._max_sent() + 1)
        tmp = os.path.join(self.sent_dir, ".tmp.%d.%d" % (self.pid, seq))
        with open(tmp, "w", encoding="ascii") as f:
            f.write(pdu + "\n")
        os.rename(tmp, os.path.join(self.sent_dir, str(seq)))
        self.next_sent = seq + 1
        mr = self.mr
        self.mr = (self.mr + 1) % 256
        self._save_mr()
        self.note("sent seq=%d mr=%d" % (seq, mr))
        self.answer(["+CMGS: %d" % mr])
        self.schedule_report(raw, mr)

    # -- delivery (status) reports

    def schedule_report(self, raw, mr):
        """Queues an SMS-STATUS-REPORT when the SMS-SUBMIT asked for one
        (TP-SRR, bit 5 of its first octet)."""
        if not self.faults["reports"]:
            return
        tpdu = raw[1 + raw[0]:]
        if len(tpdu) < 4 or tpdu[0] & 0x03 != 0x01 or not tpdu[0] & 0x20:
            return
        # TP-DA: length in digits (semi-octets), type, then the digits; it is
        # copied as it came, so the report names the recipient the same way.
        end = 4 + (tpdu[2] + 1) // 2
        if end > len(tpdu):
            self.note("report mr=%d: destination address cut short, none queued" % mr)
            return
        address = bytes(tpdu[2:end])
        status = report_status_code(self.faults["report_status"])
        due = time.time() + max(0, self.faults["report_delay_ms"]) / 1000.0
        self.pending_reports.append((due, mr, address, status))
        self._save_pending_reports()

    def _load_pending_reports(self):
        reports = []
        try:
            with open(self.reports_path, "r", encoding="ascii") as f:
                lines = f.read().splitlines()
        except OSError:
            return reports
        for line in lines:
            try:
                due, mr, address, status = line.split()
                reports.append((float(due), int(mr), bytes.fromhex(address), int(status)))
            except ValueError:
                continue
        return reports

    def _save_pending_reports(self):
        if not self.pending_reports:
            try:
                os.unlink(self.reports_path)
            except FileNotFoundError:
                pass
            return
        tmp = self.reports_path + ".tmp.%d" % self.pid
        with open(tmp, "w", encoding="ascii") as f:
            for due, mr, address, status in self.pending_reports:
                f.write("%.3f %d %s %d\n" % (due, mr, address.hex().upper(), status))
        os.rename(tmp, self.reports_path)

    def tick_reports(self, now):
        due = [r for r in self.pending_reports if r[0] <= now]
        if not due:
            return
        self.pending_reports = [r for r in self.pending_reports if r[0] > now]
        st = self.storages["SM"]
        for _, mr, address, status in sorted(due, key=lambda r: r[0]):
            # Service centre time stamp and discharge time: now, local time
            # with its offset, as a network stamps them.
            stamp = mkpdu.encode_scts(datetime.datetime.now().astimezone())
            tpdu = bytes([0x06, mr & 0xFF]) + address + stamp + stamp + bytes([status])
            pdu = (mkpdu.encode_smsc(self.smsc) + tpdu).hex().upper()
            index = mkpdu.write_inbox(st.path, [pdu])[0]
            self.note("report %d %s index=%d" % (mr, report_status_name(status), index))
            # A stored status report is announced by +CDSI (AT+CNMI ds=2),
            # never by +CMTI.
            if self.known_new is not None:
                self.known_new.add(index)
            if self.cnmi[3] == 2 and self.can_emit():
                self.unsolicited(['+CDSI: "SM",%d' % index])
        self._save_pending_reports()


def main(argv=None):
    p = argparse.ArgumentParser(description="AT command (PDU mode) GSM modem simulator")
    p.add_argument("--dir", required=True, help="state folder (inbox/, sent/, faults, at.log)")
    p.add_argument("--sim-size", type=int, default=30, help="SIM storage size reported by AT+CPMS")
    p.add_argument("--me", action="store_true", help='also offer storage "ME" backed by DIR/inbox-me')
    p.add_argument("--me-size", type=int, default=100, help='size of storage "ME"')
    p.add_argument("--imei", default="356938035643809")
    p.add_argument("--imsi", default="510101234567890")
    p.add_argument("--pin", default=None, help="SIM starts locked; AT+CPIN=\"CODE\" unlocks")
    p.add_argument("--puk", default="12345678", help="PUK that unblocks after 3 wrong PINs")
    p.add_argument("--smsc", default="+6281100000")
    p.add_argument("--manufacturer", default="Lapor")
    p.add_argument("--model", default="ATSIM-1")
    p.add_argument("--revision", default="ATSIM 1.0")
    p.add_argument("--operator", default="TELKOMSEL")
    p.add_argument("--operator-code", default="51010")
    p.add_argument("--csq", type=int, default=20, help="RSSI reported by AT+CSQ (0-31, 99)")
    p.add_argument("--battery", type=int, default=100)
    p.add_argument("--echo-off", action="store_true", help="start with echo off (ATE0)")
    p.add_argument("--hang", type=int, default=0, metavar="0|1")
    p.add_argument("--hang-in-cmgl", type=int, default=0, metavar="0|1")
    p.add_argument("--send-error", type=int, default=0, metavar="N")
    p.add_argument("--send-swallow", type=int, default=0, metavar="0|1")
    p.add_argument("--slow-ms", type=int, default=0, metavar="N")
    p.add_argument("--die-after", type=int, default=0, metavar="N")
    p.add_argument("--sim-full", type=int, default=0, metavar="0|1")
    p.add_argument("--fake-delete", type=int, default=0, metavar="0|1")
    p.add_argument("--no-network", type=int, default=0, metavar="0|1",
                   help="no network: +CREG: n,0, +CSQ: 99,99, no operator")
    p.add_argument("--no-ussd", type=int, default=0, metavar="0|1",
                   help="a modem without USSD: AT+CUSD answers ERROR")
    p.add_argument("--ussd-reply", default="", metavar="TEXT",
                   help="the network's answer to a USSD request (+CUSD)")
    p.add_argument("--wedge", type=int, default=0, metavar="0|1",
                   help="the message store stays stuck until AT+CFUN=1,1")
    p.add_argument("--reports", type=int, default=0, metavar="0|1",
                   help="store a delivery report for each sent PDU that asks for one")
    p.add_argument("--report-delay-ms", type=int, default=300, metavar="N",
                   help="delay before a requested delivery report is stored")
    p.add_argument("--report-status", default="delivered", metavar="NAME",
                   help="TP-ST of delivery reports: delivered, failed, expired, pending or a number")
    p.add_argument("--ring", default="", metavar="NUMBER", help="an incoming voice call from NUMBER")
    p.add_argument("--ring-for-s", type=int, default=30, metavar="N",
                   help="seconds an unanswered call rings before it is missed")
    opts = p.parse_args(argv)
    if report_status_code(opts.report_status) is None:
        p.error("--report-status: delivered, failed, expired, pending or 0..255")
    sim = Simulator(opts)
    try:
        sim.run()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
