#!/usr/bin/python3
"""Builds SMS-DELIVER PDUs (3GPP TS 23.040) as AT+CMGL shows them, for the
modem simulator's inbox, plus the malformed PDUs the daemon must survive.

Every PDU is returned as upper-case hex with the SMSC part in front ("00"
when no SMSC is given), which is the exact form DIR/inbox/<n> holds.

As a module:
    import mkpdu
    pdus = mkpdu.message_pdus("+628123456789", "Halo", ref=7)
    mkpdu.write_inbox("/tmp/x/inbox", pdus)
As a tool: mkpdu.py --help.
"""

import argparse
import datetime
import os
import sys

# GSM 03.38 default alphabet in septet order; position 0x1B is the escape to
# the extension table and is never produced from text directly.
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXT = {
    "\f": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F,
    "[": 0x3C, "~": 0x3D, "]": 0x3E, "|": 0x40, "€": 0x65,
}
GSM7_INDEX = {ch: i for i, ch in enumerate(GSM7_BASIC) if i != 0x1B}
ESCAPE = 0x1B

assert len(GSM7_BASIC) == 128

DCS_GSM7 = 0x00
DCS_8BIT = 0x04
DCS_UCS2 = 0x08
DCS_GSM7_CLASS0 = 0x10
DCS_UCS2_CLASS0 = 0x18

DEFAULT_TIME = datetime.datetime(2024, 3, 15, 8, 30, 0,
                                 tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


class EncodeError(ValueError):
    pass


# ---- character sets ----------------------------------------------------

def gsm7_septets(text):
    """Returns the septets of text in the default alphabet, extension
    characters as ESC pairs; raises EncodeError for anything else."""
    out = []
    for ch in text:
        if ch in GSM7_INDEX:
            out.append(GSM7_INDEX[ch])
        elif ch in GSM7_EXT:
            out.extend((ESCAPE, GSM7_EXT[ch]))
        else:
            raise EncodeError("%r is not in the GSM 7-bit alphabet" % ch)
    return out


def is_gsm7(text):
    return all(ch in GSM7_INDEX or ch in GSM7_EXT for ch in text)


def pack_septets(septets, fill_bits=0):
    """Packs septets LSB first after fill_bits zero bits, as TS 23.038
    section 6.1.2.1 describes; the fill bits align text after a UDH."""
    out = bytearray()
    acc, nbits = 0, fill_bits
    for s in septets:
        acc |= (s & 0x7F) << nbits
        nbits += 7
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
    if nbits > 0:
        out.append(acc & 0xFF)
    return bytes(out)


def utf16_units(text):
    """Returns UTF-16 code units; a lone surrogate in text (from
    "\\ud83d") is kept as the unit it is, so malformed text can be built."""
    units = []
    for ch in text:
        cp = ord(ch)
        if cp >= 0x10000:
            cp -= 0x10000
            units.extend((0xD800 | (cp >> 10), 0xDC00 | (cp & 0x3FF)))
        else:
            units.append(cp)
    return units


def units_to_bytes(units):
    return b"".join(u.to_bytes(2, "big") for u in units)


# ---- fields ------------------------------------------------------------

def semi_octets(digits):
    """Swaps digit pairs into semi-octets, padding an odd count with F."""
    if len(digits) % 2:
        digits += "F"
    out = bytearray()
    for i in range(0, len(digits), 2):
        out.append(int(digits[i + 1] + digits[i], 16))
    return bytes(out)


def encode_address(number, toa=None):
    """Encodes a TP-OA/TP-RA address field: "+62..." as international
    (0x91), plain digits as unknown (0x81), anything else as alphanumeric
    (0xD0, GSM 7-bit packed). toa forces the type octet; an alphanumeric
    one (type 101) packs even a name made of digits as text."""
    alnum = toa is not None and (toa & 0x70) == 0x50
    if not alnum and number.startswith("+") and number[1:].isdigit():
        digits = number[1:]
        return bytes([len(digits), 0x91 if toa is None else toa]) + semi_octets(digits)
    if not alnum and number.isdigit():
        return bytes([len(number), 0x81 if toa is None else toa]) + semi_octets(number)
    septets = gsm7_septets(number)
    packed = pack_septets(septets)
    # The length counts useful semi-octets, which for packed text is the
    # number of nibbles its bits fill.
    length = (len(septets) * 7 + 3) // 4
    return bytes([length, 0xD0 if toa is None else toa]) + packed


def encode_smsc(smsc):
    """The SMSC part that AT+CMGL puts in front: its length in octets,
    type and digits, or a single 00 when none is given."""
    if not smsc:
        return b"\x00"
    digits = smsc.lstrip("+")
    body = bytes([0x91 if smsc.startswith("+") else 0x81]) + semi_octets(digits)
    return bytes([len(body)]) + body


def encode_scts(when=None):
    """TP-SCTS: seven semi-octet swapped fields, the time zone in quarter
    hours with bit 3 of the octet as the sign, as TS 23.040 9.2.3.11 says."""
    if when is None:
        when = DEFAULT_TIME
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    quarters = int(when.utcoffset().total_seconds() // 900)
    fields = "%02d%02d%02d%02d%02d%02d" % (when.year % 100, when.month, when.day,
                                          when.hour, when.minute, when.second)
    out = bytearray(semi_octets(fields))
    tz = semi_octets("%02d" % abs(quarters))[0]
    if quarters < 0:
        tz |= 0x08
    out.append(tz)
    return bytes(out)


def parse_time(text):
    """Accepts ISO 8601 such as 2024-03-15T08:30:00+07:00."""
    when = datetime.datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when


def concat_udh(ref, total, seq, ref16=False):
    """A concatenation information element (IEI 00 with an 8-bit
    reference, IEI 08 with a 16-bit one) wrapped as a whole UDH."""
    if ref16:
        ie = bytes([0x08, 0x04, (ref >> 8) & 0xFF, ref & 0xFF, total, seq])
    else:
        ie = bytes([0x00, 0x03, ref & 0xFF, total, seq])
    return bytes([len(ie)]) + ie


def coding_of_dcs(dcs):
    """The alphabet a DCS selects (TS 23.038 section 4): 'gsm7', '8bit',
    'ucs2', or 'reserved' for groups and values without a defined one."""
    group = dcs >> 4
    if group <= 0x7:
        alphabet = (dcs >> 2) & 0x03
        return ("gsm7", "8bit", "ucs2", "reserved")[alphabet]
    if group in (0xC, 0xD):
        return "gsm7"
    if group == 0xE:
        return "ucs2"
    if group == 0xF:
        return "8bit" if dcs & 0x04 else "gsm7"
    return "reserved"


# ---- PDUs --------------------------------------------------------------

def deliver_tpdu(sender, user_data, dcs, udl, udh=b"", when=None, pid=0x00,
                 first_octet=None, sender_toa=None):
    """Assembles an SMS-DELIVER TPDU from already encoded user data.
    udl is the TP-UDL value as written (septets for GSM 7-bit)."""
    if first_octet is None:
        # MTI 00 (deliver) and TP-MMS set (no more messages waiting).
        first_octet = 0x04
        if udh:
            first_octet |= 0x40
    return (bytes([first_octet]) + encode_address(sender, sender_toa)
            + bytes([pid, dcs]) + encode_scts(when) + bytes([udl & 0xFF])
            + udh + user_data)


def deliver_pdu(sender, text=None, data=None, coding="auto", dcs=None, udh=b"",
                when=None, smsc=None, pid=0x00, first_octet=None, sender_toa=None):
    """Returns one SMS-DELIVER PDU as hex with the SMSC part in front.

    text is encoded in coding ('auto' picks GSM 7-bit when possible, else
    UCS-2); data gives raw user data bytes for 8-bit. dcs overrides the
    coding scheme octet (the alphabet then follows from it unless coding is
    given explicitly). udh is a complete UDH including its length octet.
    """
    if dcs is not None and coding == "auto":
        coding = coding_of_dcs(dcs)
        if coding == "reserved":
            coding = "8bit" if data is not None else "gsm7"
    if coding == "auto":
        coding = "8bit" if data is not None else ("gsm7" if is_gsm7(text) else "ucs2")
    if coding == "gsm7":
        septets = gsm7_septets(text or "")
        fill = (7 - (len(udh) * 8) % 7) % 7 if udh else 0
        header_septets = (len(udh) * 8 + fill) // 7
        ud = udh + pack_septets(septets, fill)
        udl = header_septets + len(septets)
        body = ud[len(udh):]
        if dcs is None:
            dcs = DCS_GSM7
    elif coding == "ucs2":
        body = units_to_bytes(utf16_units(text or ""))
        udl = len(udh) + len(body)
        if dcs is None:
            dcs = DCS_UCS2
    elif coding == "8bit":
        body = data if data is not None else (text or "").encode("latin-1")
        udl = len(udh) + len(body)
        if dcs is None:
            dcs = DCS_8BIT
    else:
        raise ValueError("unknown coding %r" % coding)
    tpdu = deliver_tpdu(sender, body, dcs, udl, udh, when, pid, first_octet, sender_toa)
    return (encode_smsc(smsc) + tpdu).hex().upper()


def split_text(text, coding="auto", ref16=False):
    """Splits text into the parts a phone sends: returns (coding, parts).

    GSM 7-bit holds 160 septets alone, 153 per part with an 8-bit reference
    header (152 with a 16-bit one), never cutting an escape pair; UCS-2
    holds 70 units alone, 67 (66) per part, never cutting a surrogate pair.
    """
    if coding == "auto":
        coding = "gsm7" if is_gsm7(text) else "ucs2"
    if coding == "gsm7":
        sizes = [len(gsm7_septets(ch)) for ch in text]
        single, per_part = 160, (152 if ref16 else 153)
    elif coding == "ucs2":
        sizes = [2 if ord(ch) >= 0x10000 else 1 for ch in text]
        single, per_part = 70, (66 if ref16 else 67)
    elif coding == "8bit":
        sizes = [1] * len(text)
        single, per_part = 140, (133 if ref16 else 134)
    else:
        raise ValueError("unknown coding %r" % coding)
    if sum(sizes) <= single:
        return coding, [text]
    parts, cur, used = [], [], 0
    # Each character is placed whole, so an escape pair or a surrogate pair
    # moves to the next part instead of being cut.
    for ch, size in zip(text, sizes):
        if used + size > per_part:
            parts.append("".join(cur))
            cur, used = [], 0
        cur.append(ch)
        used += size
    if cur:
        parts.append("".join(cur))
    return coding, parts


def message_pdus(sender, text, coding="auto", ref=None, ref16=False, when=None,
                 smsc=None, dcs=None, split=True):
    """Returns the PDUs of one message, split with concatenation headers
    when it does not fit one SMS."""
    if dcs is not None and coding == "auto":
        coding = coding_of_dcs(dcs)
        if coding == "reserved":
            coding = "gsm7"
    if split:
        coding, parts = split_text(text, coding, ref16)
    else:
        coding = coding if coding != "auto" else ("gsm7" if is_gsm7(text) else "ucs2")
        parts = [text]
    if len(parts) == 1:
        return [deliver_pdu(sender, parts[0], coding=coding, dcs=dcs, when=when, smsc=smsc)]
    if ref is None:
        ref = (os.getpid() + len(text)) & (0xFFFF if ref16 else 0xFF)
    return [deliver_pdu(sender, part, coding=coding, dcs=dcs, when=when, smsc=smsc,
                        udh=concat_udh(ref, len(parts), i + 1, ref16))
            for i, part in enumerate(parts)]


def status_report_pdu(recipient="+628123456789", mr=5, status=0x00, when=None, smsc=None):
    """An SMS-STATUS-REPORT (MTI 10) as it lands in storage when a modem
    stores delivery reports instead of routing them with +CDS."""
    tpdu = (bytes([0x06, mr & 0xFF]) + encode_address(recipient)
            + encode_scts(when) + encode_scts(when) + bytes([status]))
    return (encode_smsc(smsc) + tpdu).hex().upper()


# ---- malformed PDUs ----------------------------------------------------
# Each returns hex with the SMSC part, ready for the inbox.

def malformed_udl_septets(septets=200, sender="+628123456789", fill="A"):
    """A GSM 7-bit PDU whose TP-UDL says `septets` with every octet present
    (200 septets are 175 octets): libGammu 1.42 decodes into a fixed stack
    buffer and aborts ("stack smashing detected") from 169 septets on."""
    body = pack_septets(gsm7_septets(fill * septets))
    tpdu = deliver_tpdu(sender, body, DCS_GSM7, septets)
    return (encode_smsc(None) + tpdu).hex().upper()


def malformed_udl_200(sender="+628123456789"):
    return malformed_udl_septets(200, sender)


def malformed_concat_part_zero(sender="+628123456789", ref=0x42):
    """Concatenation header with sequence number 0 (valid numbers start
    at 1); GSM_LinkSMS loops forever on it."""
    return deliver_pdu(sender, "part zero", udh=concat_udh(ref, 2, 0))


def malformed_concat_total_zero(sender="+628123456789", ref=0x43):
    return deliver_pdu(sender, "total zero", udh=concat_udh(ref, 0, 1))


def malformed_concat_seq_above_total(sender="+628123456789", ref=0x44):
    return deliver_pdu(sender, "three of two", udh=concat_udh(ref, 2, 3))


def malformed_udh_longer_than_ud(sender="+628123456789", udhl=0x30):
    """UDHI set and a UDH length octet of udhl while the user data holds
    only 10 octets, so a reader that trusts UDHL reads past the PDU."""
    ud = bytes([udhl, 0x00, 0x03, 0x45, 0x02, 0x01, 0x41, 0x42, 0x43, 0x44])
    tpdu = deliver_tpdu(sender, ud, DCS_8BIT, len(ud), first_octet=0x44)
    return (encode_smsc(None) + tpdu).hex().upper()


def malformed_status_report(recipient="+628123456789"):
    return status_report_pdu(recipient)


def malformed_ucs2_lone_surrogate(sender="+628123456789"):
    """UCS-2 text "A", a high surrogate with no low one, then "B"."""
    return deliver_pdu(sender, "A\ud83dB", coding="ucs2")


def malformed_ucs2_nul(sender="+628123456789"):
    """UCS-2 text with U+0000 in the middle, which cuts C strings."""
    return deliver_pdu(sender, "before\x00after", coding="ucs2")


def malformed_8bit(sender="+628123456789"):
    """8-bit data (DCS 0x04) with bytes that are not text, NUL included."""
    return deliver_pdu(sender, data=bytes([0x00, 0x01, 0xFF, 0x7F, 0x80, 0x41, 0x0A, 0x1B]),
                       coding="8bit")


def malformed_reserved_dcs(sender="+628123456789", dcs=0x0C):
    """DCS 0x0C: general coding group with the reserved alphabet 11."""
    return deliver_pdu(sender, data=b"reserved", coding="8bit", dcs=dcs)


MALFORMED = {
    "udl200": malformed_udl_200,
    "concat-part-zero": malformed_concat_part_zero,
    "concat-total-zero": malformed_concat_total_zero,
    "concat-seq-above-total": malformed_concat_seq_above_total,
    "udh-longer-than-ud": malformed_udh_longer_than_ud,
    "status-report": malformed_status_report,
    "ucs2-lone-surrogate": malformed_ucs2_lone_surrogate,
    "ucs2-nul": malformed_ucs2_nul,
    "8bit": malformed_8bit,
    "reserved-dcs": malformed_reserved_dcs,
}


# ---- inbox files -------------------------------------------------------

def next_index(folder):
    """One above the highest index present: a hole left by a delete is
    never reused, so a message added while the daemon is between its
    AT+CMGL and its AT+CMGD cannot be deleted unread."""
    best = 0
    for name in os.listdir(folder):
        if name.isdigit():
            best = max(best, int(name))
    return best + 1


def write_inbox(folder, pdus, start=None):
    """Writes each PDU as its own index file and returns the indexes.

    The file is written under a dot name and linked into place: link(2)
    fails instead of overwriting when another writer took the index
    first, and the simulator never sees a half-written file.
    """
    os.makedirs(folder, exist_ok=True)
    indexes = []
    index = start
    for pdu in pdus:
        tmp = os.path.join(folder, ".mkpdu.%d.tmp" % os.getpid())
        with open(tmp, "w", encoding="ascii") as f:
            f.write(pdu + "\n")
        if index is None:
            index = next_index(folder)
        while True:
            try:
                os.link(tmp, os.path.join(folder, str(index)))
                break
            except FileExistsError:
                if start is not None:
                    os.unlink(tmp)
                    raise
                index = next_index(folder)
        os.unlink(tmp)
        indexes.append(index)
        index += 1
    return indexes


def main(argv=None):
    p = argparse.ArgumentParser(
        description="Build SMS-DELIVER PDUs (hex with SMSC part) for the modem simulator")
    p.add_argument("--from", dest="sender", default="+628123456789",
                   help="sender: +62... (international), digits, or alphanumeric")
    p.add_argument("--text", help="message text (split into parts unless --no-split)")
    p.add_argument("--data-hex", help="raw 8-bit user data as hex (implies --coding 8bit)")
    p.add_argument("--coding", default="auto", choices=["auto", "gsm7", "ucs2", "8bit"])
    p.add_argument("--dcs", type=lambda v: int(v, 0), help="raw DCS octet, e.g. 0x10")
    p.add_argument("--class0", action="store_true", help="flash SMS (DCS 0x10 or 0x18)")
    p.add_argument("--time", type=parse_time, help="SMSC time, ISO 8601 with offset")
    p.add_argument("--smsc", help="SMSC number for the prefix (default: none, 00)")
    p.add_argument("--ref", type=lambda v: int(v, 0), help="concatenation reference")
    p.add_argument("--ref16", action="store_true", help="16-bit reference (IEI 08)")
    p.add_argument("--udh", help="raw UDH hex including its length octet (single PDU)")
    p.add_argument("--alnum", action="store_true",
                   help="the sender is an alphanumeric id even when made of digits (single PDU)")
    p.add_argument("--no-split", action="store_true", help="never split (may exceed one SMS)")
    p.add_argument("--malformed", choices=sorted(MALFORMED), help="emit a named malformed PDU")
    p.add_argument("--septets", type=int, help="with --malformed udl200: another TP-UDL")
    p.add_argument("--out-dir", help="write as the next free index files (e.g. DIR/inbox)")
    p.add_argument("--index", type=int, help="with --out-dir: first index to use")
    a = p.parse_args(argv)

    if a.malformed:
        if a.malformed == "udl200" and a.septets:
            pdus = [malformed_udl_septets(a.septets, a.sender)]
        else:
            pdus = [MALFORMED[a.malformed](a.sender)]
    elif a.data_hex is not None:
        pdus = [deliver_pdu(a.sender, data=bytes.fromhex(a.data_hex), coding="8bit",
                            dcs=a.dcs, when=a.time, smsc=a.smsc,
                            udh=bytes.fromhex(a.udh) if a.udh else b"")]
    elif a.text is not None:
        dcs = a.dcs
        coding = a.coding
        if a.class0:
            if coding == "auto":
                coding = "gsm7" if is_gsm7(a.text) else "ucs2"
            dcs = DCS_UCS2_CLASS0 if coding == "ucs2" else DCS_GSM7_CLASS0
        if a.udh or a.alnum:
            pdus = [deliver_pdu(a.sender, a.text, coding=coding, dcs=dcs, when=a.time,
                                smsc=a.smsc, udh=bytes.fromhex(a.udh) if a.udh else b"",
                                sender_toa=0xD0 if a.alnum else None)]
        else:
            pdus = message_pdus(a.sender, a.text, coding=coding, ref=a.ref, ref16=a.ref16,
                                when=a.time, smsc=a.smsc, dcs=dcs, split=not a.no_split)
    else:
        p.error("give --text, --data-hex or --malformed")

    if a.out_dir:
        for index in write_inbox(a.out_dir, pdus, a.index):
            print(index)
    else:
        for pdu in pdus:
            print(pdu)
    return 0


if __name__ == "__main__":
    sys.exit(main())
