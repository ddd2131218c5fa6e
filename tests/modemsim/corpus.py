#!/usr/bin/python3
"""The poison corpus (issue 6 item 3): malformed or unusual SMS-DELIVER PDUs
for the modem simulator's inbox, each followed by a good text message, so a
test can see both that every odd message is stored with the right outcome
and that none of them holds up the message behind it.

    corpus.py --out-dir DIR/inbox --manifest FILE

Poison case NN comes from +62812900000NN (the interleaved case's second and
third senders are NN+41 and NN+42; a few cases use the odd sender they are
about); the good message after it comes from +62811100000NN
with the text "Pesan baik NN". tests/data/poison.tsv holds what the daemon
must make of each case; the manifest records what was written where.

mkpdu.py's builders are reused wherever they can express the case; the raw
builders here cover what they refuse to build (a lone ESC septet, a UDL that
does not match the data, odd address fields, an SMS-SUBMIT).
"""

import argparse
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkpdu  # noqa: E402

WIB = datetime.timezone(datetime.timedelta(hours=7))
T0 = datetime.datetime(2024, 3, 15, 8, 30, 0, tzinfo=WIB)


def poison_sender(nn):
    return "+62812900000%02d" % nn


def good_sender(nn):
    return "+62811100000%02d" % nn


def with_smsc(tpdu):
    return (mkpdu.encode_smsc(None) + tpdu).hex().upper()


# ---- raw builders --------------------------------------------------------

def gsm7_septet_pdu(sender, septets, udh=b"", udl=None, dcs=mkpdu.DCS_GSM7, when=None,
                    sender_toa=None):
    """A GSM 7-bit PDU from septet values as given (a lone ESC included),
    after an optional UDH with its fill bits; udl overrides TP-UDL so the
    length field can lie about the data."""
    fill = (7 - (len(udh) * 8) % 7) % 7 if udh else 0
    header_septets = (len(udh) * 8 + fill) // 7 if udh else 0
    body = mkpdu.pack_septets(septets, fill)
    if udl is None:
        udl = header_septets + len(septets)
    return with_smsc(mkpdu.deliver_tpdu(sender, body, dcs, udl, udh, when,
                                        sender_toa=sender_toa))


def raw_address_tpdu(address_field, dcs, udl, ud, first_octet=0x04, pid=0x00):
    """An SMS-DELIVER whose TP-OA is given as raw octets (length, type,
    digits), for sender fields mkpdu would not encode."""
    return (bytes([first_octet]) + address_field + bytes([pid, dcs])
            + mkpdu.encode_scts(T0) + bytes([udl]) + ud)


def submit_pdu(destination, text):
    """An SMS-SUBMIT (MTI 01, no validity period): a phone's outgoing message
    format, which a confused modem or a SIM written by a phone can hold in
    the received list."""
    septets = mkpdu.gsm7_septets(text)
    tpdu = (bytes([0x01, 0x00]) + mkpdu.encode_address(destination)
            + bytes([0x00, mkpdu.DCS_GSM7, len(septets)]) + mkpdu.pack_septets(septets))
    return with_smsc(tpdu)


# ---- the cases -----------------------------------------------------------
# Each builder takes the case number and returns [(sender, [pdu, ...]), ...]
# in the order they go into the inbox.

LONG_A = ("Laporan panjang bagian pertama tentang jalan berlubang di desa kami yang "
          "sudah lama tidak diperbaiki oleh dinas terkait, mohon ditindaklanjuti. ")


def c_lone_surrogate(nn):
    s = poison_sender(nn)
    return [(s, [mkpdu.deliver_pdu(s, "Lapor surrogat \ud83d tunggal", coding="ucs2")])]


def c_split_surrogate(nn):
    # Part 1 ends on the high half of U+1F621, part 2 starts with the low half:
    # a phone must not split there, but a joiner that decodes UTF-16 after
    # joining the units still gets the emoji whole.
    s = poison_sender(nn)
    p1 = "Marah pisah " + "x" * 54 + "\ud83d"
    p2 = "\ude21 akhir pesan"
    ref = 0x61
    return [(s, [mkpdu.deliver_pdu(s, p1, coding="ucs2", udh=mkpdu.concat_udh(ref, 2, 1)),
                 mkpdu.deliver_pdu(s, p2, coding="ucs2", udh=mkpdu.concat_udh(ref, 2, 2))])]


def c_nul(nn):
    s = poison_sender(nn)
    return [(s, [mkpdu.deliver_pdu(s, "sebelum\x00sesudah NUL", coding="ucs2")])]


def c_escape_boundary(nn):
    # 152 plain septets then a lone ESC end part 1; part 2 starts with 0x28,
    # which after ESC is "{". libGammu turns an ESC at the end into U+00B9.
    s = poison_sender(nn)
    ref = 0x62
    head = mkpdu.gsm7_septets("Escape di batas " + "y" * 136)
    assert len(head) == 152
    p1 = head + [mkpdu.ESCAPE]
    p2 = [0x28] + mkpdu.gsm7_septets(" kurung kurawal")
    return [(s, [gsm7_septet_pdu(s, p1, udh=mkpdu.concat_udh(ref, 2, 1)),
                 gsm7_septet_pdu(s, p2, udh=mkpdu.concat_udh(ref, 2, 2))])]


def c_reserved_dcs(nn):
    s = poison_sender(nn)
    return [(s, [mkpdu.malformed_reserved_dcs(s)])]


def c_8bit(nn):
    s = poison_sender(nn)
    return [(s, [mkpdu.malformed_8bit(s)])]


def c_8bit_class_group(nn):
    # DCS 0xF4: the data coding/message class group with 8-bit data, class 0.
    s = poison_sender(nn)
    return [(s, [mkpdu.deliver_pdu(s, data=b"\x01\x02data\xfe", coding="8bit", dcs=0xF4)])]


def c_truncated(nn):
    # TP-UDL says 100 septets; only the first 20 octets (22 septets) follow.
    s = poison_sender(nn)
    septets = mkpdu.gsm7_septets("Pesan terpotong di tengah jalan sekali")
    body = mkpdu.pack_septets(septets)[:20]
    return [(s, [with_smsc(mkpdu.deliver_tpdu(s, body, mkpdu.DCS_GSM7, 100))])]


def c_truncated_header(nn):
    # The PDU ends inside the timestamp: no DCS-dependent data at all.
    s = poison_sender(nn)
    full = mkpdu.deliver_pdu(s, "tidak sampai")
    return [(s, [full[:2 + 2 * (1 + 1 + 1 + 6 + 1 + 1 + 3)]])]


def c_udh_longer(nn):
    s = poison_sender(nn)
    return [(s, [mkpdu.malformed_udh_longer_than_ud(s)])]


def c_total_zero(nn):
    s = poison_sender(nn)
    return [(s, [mkpdu.malformed_concat_total_zero(s)])]


def c_seq_zero(nn):
    s = poison_sender(nn)
    return [(s, [mkpdu.malformed_concat_part_zero(s)])]


def c_seq_above_total(nn):
    s = poison_sender(nn)
    return [(s, [mkpdu.malformed_concat_seq_above_total(s)])]


def c_255_parts(nn):
    # Parts 1-3 and 255 of a 255-part message: it stays incomplete and must
    # close by the timeout with what arrived, in order.
    s = poison_sender(nn)
    ref = 0x63
    parts = [(1, "Bagian satu dari dua ratus lima puluh lima. "),
             (2, "Bagian dua. "), (3, "Bagian tiga. "), (255, "Bagian terakhir.")]
    return [(s, [mkpdu.deliver_pdu(s, t, udh=mkpdu.concat_udh(ref, 255, i)) for i, t in parts])]


def c_duplicate_part(nn):
    s = poison_sender(nn)
    pdus = mkpdu.message_pdus(s, "Duplikat: " + LONG_A + "Selesai duplikat.", ref=0x64)
    assert len(pdus) == 2
    return [(s, [pdus[0], pdus[0], pdus[1]])]


def c_reused_ref(nn):
    # Same sender and reference, two different messages a day apart (the
    # 8-bit reference wraps after 256 messages): two complaints, not one.
    s = poison_sender(nn)
    m1 = mkpdu.message_pdus(s, "Pertama: " + LONG_A + "pesan yang pertama", ref=0x65, when=T0)
    m2 = mkpdu.message_pdus(s, "Kedua: " + LONG_A + "pesan yang lain sama sekali", ref=0x65,
                            when=T0 + datetime.timedelta(days=1))
    assert len(m1) == 2 and len(m2) == 2
    return [(s, m1 + m2)]


def c_interleaved(nn):
    # Three senders, one reference, parts interleaved: each message is its
    # sender's own (libGammu's GSM_LinkSMS would mix them).
    out = []
    msgs = []
    for k, tag in enumerate(("Satu", "Dua", "Tiga")):
        s = poison_sender(nn) if k == 0 else poison_sender(nn + 40 + k)
        msgs.append((s, mkpdu.message_pdus(s, "Silang %s: %s pesan bersilang" % (tag, LONG_A),
                                           ref=0x66)))
    for i in range(2):
        for s, pdus in msgs:
            out.append((s, [pdus[i]]))
    return out


def c_class0(nn):
    s = poison_sender(nn)
    return [(s, [mkpdu.deliver_pdu(s, "Pesan kilat kelas nol", dcs=mkpdu.DCS_GSM7_CLASS0)])]


def c_status_report(nn):
    s = poison_sender(nn)
    return [(s, [mkpdu.status_report_pdu(s)])]


def c_wap_push(nn):
    # 8-bit data with an application port header (IEI 05: destination 2948,
    # source 9200), the WSP start of a WAP push (SI).
    s = poison_sender(nn)
    udh = bytes([0x06, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0])
    data = bytes.fromhex("0106036170706C69636174696F6E2F766E642E7761702E73696300AF84")
    return [(s, [mkpdu.deliver_pdu(s, data=data, coding="8bit", udh=udh)])]


def c_udl(septets):
    def build(nn):
        s = poison_sender(nn)
        return [(s, [mkpdu.malformed_udl_septets(septets, s)])]
    return build


def c_alnum(nn):
    return [("INFOPLN", [mkpdu.deliver_pdu("INFOPLN", "Tagihan listrik Anda sudah terbit")])]


def c_empty(nn):
    s = poison_sender(nn)
    return [(s, [mkpdu.deliver_pdu(s, "", coding="gsm7")])]


def c_compressed(nn):
    # DCS 0x20: general group, compressed (bit 5), GSM 7-bit alphabet; the
    # data is not a valid compressed stream.
    s = poison_sender(nn)
    return [(s, [mkpdu.deliver_pdu(s, data=b"\x0b\x41\x42\x43\x44", coding="8bit", dcs=0x20)])]


def c_mwi(dcs, text):
    def build(nn):
        s = poison_sender(nn)
        return [(s, [mkpdu.deliver_pdu(s, text, dcs=dcs)])]
    return build


def c_ucs2_odd(nn):
    # Seven octets of UCS-2: three units and half of a fourth.
    s = poison_sender(nn)
    body = mkpdu.units_to_bytes(mkpdu.utf16_units("Gjl")) + b"\x00"
    return [(s, [with_smsc(mkpdu.deliver_tpdu(s, body, mkpdu.DCS_UCS2, len(body)))])]


def c_ref16(nn):
    s = poison_sender(nn)
    pdus = mkpdu.message_pdus(s, "Referensi enam belas bit: " + LONG_A + "akhir",
                              ref=0xBEEF, ref16=True)
    assert len(pdus) == 2
    return [(s, pdus)]


def c_submit(nn):
    s = poison_sender(nn)
    return [(s, [submit_pdu(s, "Ini SMS-SUBMIT di kotak masuk")])]


def c_national(nn):
    # Type of number "unknown" with national digits 0812...: one sender with
    # the international form.
    s = "0" + poison_sender(nn)[3:]
    return [(s, [mkpdu.deliver_pdu(s, "Nomor format nasional")])]


def c_national_typed(nn):
    # Type of number "national" (0xA1) and the digits without the leading 0.
    s = poison_sender(nn)[3:]
    return [(s, [mkpdu.deliver_pdu(s, "Nomor bertipe nasional", sender_toa=0xA1)])]


def c_long_sender(nn):
    # An address length of 40 digits: twice the 20 TS 23.040 allows.
    digits = poison_sender(nn)[1:] + "1234567890123456789012345678"[:40 - 13]
    assert len(digits) == 40
    field = bytes([len(digits), 0x91]) + mkpdu.semi_octets(digits)
    septets = mkpdu.gsm7_septets("Pengirim sangat panjang")
    tpdu = raw_address_tpdu(field, mkpdu.DCS_GSM7, len(septets), mkpdu.pack_septets(septets))
    return [(poison_sender(nn), [with_smsc(tpdu)])]


def c_short_sender(nn):
    # A 5-digit service number: a complaint, never a reply.
    return [("12345", [mkpdu.deliver_pdu("12345", "Layanan operator kode pendek")])]


def c_udh_unknown_iei(nn):
    # A UDH holding only an unknown IEI (0x70, SIM toolkit security header
    # range) before plain text: the header must not leak into the text.
    s = poison_sender(nn)
    return [(s, [mkpdu.deliver_pdu(s, "Header tak dikenal", udh=bytes([0x04, 0x70, 0x02,
                                                                       0x01, 0x02]))])]


# ---- text across parts (issue 15 point 2) --------------------------------
# These cases name their own senders, +62812915000NN, so that cases appended by others cannot
# shift them.

def j15_sender(k):
    return "+62812915000%02d" % k


def escape_cut(s, ref, head, code, tail, reverse=False):
    """Two GSM 7-bit parts: head (152 septets) and a lone ESC, then code and tail; with reverse
    the second part comes first."""
    septets = mkpdu.gsm7_septets(head)
    assert len(septets) == 152
    pdus = [gsm7_septet_pdu(s, septets + [mkpdu.ESCAPE], udh=mkpdu.concat_udh(ref, 2, 1)),
            gsm7_septet_pdu(s, [code] + mkpdu.gsm7_septets(tail), udh=mkpdu.concat_udh(ref, 2, 2))]
    return [(s, pdus[::-1] if reverse else pdus)]


def c_euro_boundary(nn):
    # Part 1 ends with a lone ESC, part 2 starts with 0x65: together the euro sign.
    return escape_cut(j15_sender(1), 0x71, "Harga naik jadi 5000" + "y" * 132, 0x65,
                      " per liter, mohon dicek")


def c_tilde_boundary(nn):
    # The same with 0x3D: a GSM 7-bit tilde cut by the boundary, the parts in reverse order.
    return escape_cut(j15_sender(2), 0x72, "Rumah no 12" + "w" * 141, 0x3D,
                      "14 roboh diterjang angin", reverse=True)


def c_escape_undefined(nn):
    # ESC before codes the extension table lacks ('A', 'b'): the plain character, no ESC.
    s = j15_sender(3)
    septets = (mkpdu.gsm7_septets("Lapor jalan ") + [mkpdu.ESCAPE] + mkpdu.gsm7_septets("Ahmad Yani")
               + mkpdu.gsm7_septets(" rusak ") + [mkpdu.ESCAPE] + mkpdu.gsm7_septets("berat"))
    return [(s, [gsm7_septet_pdu(s, septets)])]


def c_ucs2_tilde(nn):
    # UCS-2 holding '~': libGammu's PDU decoder writes each one twice.
    s = j15_sender(4)
    return [(s, [mkpdu.deliver_pdu(s, "Alamat ~ Jl. Melati ~~ no 7 \u2713 rusak parah sekali",
                                   coding="ucs2")])]


def c_ucs2_tilde_parts(nn):
    # Two UCS-2 parts with '~' in each: nothing may be lost at the end of either part.
    s = j15_sender(5)
    text = ("Jalan ~ desa \u2713 " + "rusak " * 10 + "~ akhir bagian satu "
            + "dan ~~ bagian dua tamat")
    pdus = mkpdu.message_pdus(s, text, coding="ucs2", ref=0x73)
    assert len(pdus) == 2
    return [(s, pdus)]


def c_split_surrogate_late(nn):
    # A surrogate pair cut by the boundary of parts 2 and 3 of three, arriving 3, 1, 2.
    s = j15_sender(6)
    ref = 0x74
    p1 = "Tiga bagian " + "a" * 55
    p2 = "tengah " + "b" * 59 + "\ud83d"
    p3 = "\ude00 senyum akhir"
    u = lambda t, i: mkpdu.deliver_pdu(s, t, coding="ucs2", udh=mkpdu.concat_udh(ref, 3, i))
    return [(s, [u(p3, 3), u(p1, 1), u(p2, 2)])]

# ---- issue 15: senders, headers and tails that cannot be right -----------
# These cases name their senders themselves (+62812916000KK, or the alphanumeric id they are
# about), so that their rows in poison.tsv do not depend on where they stand in CASES.

def edge_sender(k):
    return "+62812916000%02d" % k


def alnum_address(text):
    """An alphanumeric TP-OA holding text's septets packed, whatever the text
    (mkpdu encodes an all-digit sender as a number)."""
    septets = mkpdu.gsm7_septets(text)
    return bytes([(len(septets) * 7 + 3) // 4, 0xD0]) + mkpdu.pack_septets(septets)


def c_alnum_id(sender_id, text):
    def build(nn):
        septets = mkpdu.gsm7_septets(text)
        tpdu = raw_address_tpdu(alnum_address(sender_id), mkpdu.DCS_GSM7, len(septets),
                                mkpdu.pack_septets(septets))
        return [(sender_id, [with_smsc(tpdu)])]
    return build


def c_pid_type0(k, text, coding):
    # TP-PID 0x40, Short Message Type 0: the "silent SMS" a network sends to
    # see that a phone is there.
    def build(nn):
        s = edge_sender(k)
        if text == "":
            return [(s, [with_smsc(mkpdu.deliver_tpdu(s, b"", mkpdu.DCS_GSM7, 0, pid=0x40))])]
        return [(s, [mkpdu.deliver_pdu(s, text, coding=coding, pid=0x40)])]
    return build


def c_bad_concat(k, text, total, seq, ref16=False):
    # A concatenation element that cannot be right: a single SMS at once.
    def build(nn):
        s = edge_sender(k)
        return [(s, [mkpdu.deliver_pdu(s, text, udh=mkpdu.concat_udh(0x70 + k, total, seq,
                                                                     ref16=ref16))])]
    return build


def c_udh_longer_gsm7(k, udhl):
    # GSM 7-bit, UDHI set, ten septets (nine octets) of user data whose
    # header length says udhl: libGammu decodes it with an empty text.
    def build(nn):
        s = edge_sender(k)
        ud = bytes([udhl, 0x00, 0x03, 0x45, 0x02, 0x01, 0x41, 0x42, 0x43])
        tpdu = mkpdu.deliver_tpdu(s, ud, mkpdu.DCS_GSM7, 10, first_octet=0x44)
        return [(s, [with_smsc(tpdu)])]
    return build


def c_udh_longer_ucs2(k):
    def build(nn):
        s = edge_sender(k)
        ud = bytes([0x20, 0x00, 0x03, 0x45, 0x02, 0x01, 0x00, 0x41, 0x00, 0x42])
        tpdu = mkpdu.deliver_tpdu(s, ud, mkpdu.DCS_UCS2, len(ud), first_octet=0x44)
        return [(s, [with_smsc(tpdu)])]
    return build


def c_extra_octets(k, text, coding, tail):
    # A valid PDU followed by a few more octets: libGammu's AT driver
    # refuses it (ERR_UNKNOWN) unless they start with 0xFF padding.
    def build(nn):
        s = edge_sender(k)
        return [(s, [mkpdu.deliver_pdu(s, text, coding=coding) + tail])]
    return build


def c_group(*builders):
    """Several senders in one case, each with its own row in poison.tsv,
    behind which one good message follows."""
    def build(nn):
        return [pair for b in builders for pair in b(nn)]
    return build


# name, builder, one-line note for the manifest
CASES = [
    ("lone_surrogate", c_lone_surrogate, "UCS-2 with a high surrogate and no low one"),
    ("split_surrogate", c_split_surrogate, "surrogate pair split across two parts"),
    ("nul", c_nul, "UCS-2 text with U+0000 in the middle"),
    ("escape_boundary", c_escape_boundary, "GSM 7-bit ESC last septet of part 1"),
    ("reserved_dcs", c_reserved_dcs, "DCS 0x0C, reserved alphabet"),
    ("8bit", c_8bit, "DCS 0x04 8-bit data with NUL"),
    ("8bit_f4", c_8bit_class_group, "DCS 0xF4, 8-bit data class 0"),
    ("truncated", c_truncated, "TP-UDL 100 septets, 20 octets present"),
    ("truncated_header", c_truncated_header, "PDU ends inside the header"),
    ("udh_longer", c_udh_longer, "UDH length 0x30 with 10 octets of data"),
    ("total_zero", c_total_zero, "concatenation total 0"),
    ("seq_zero", c_seq_zero, "concatenation sequence 0"),
    ("seq_above_total", c_seq_above_total, "sequence 3 of 2"),
    ("parts_255", c_255_parts, "parts 1-3 and 255 of 255"),
    ("duplicate_part", c_duplicate_part, "part 1 delivered twice"),
    ("reused_ref", c_reused_ref, "same sender and ref, two messages a day apart"),
    ("interleaved", c_interleaved, "three senders, same ref, parts interleaved"),
    ("class0", c_class0, "flash SMS, DCS 0x10"),
    ("status_report", c_status_report, "SMS-STATUS-REPORT in storage"),
    ("wap_push", c_wap_push, "8-bit, port UDH to 2948"),
    ("udl200", c_udl(200), "7-bit UDL 200: libGammu aborts"),
    ("udl161", c_udl(161), "7-bit UDL 161"),
    ("udl162", c_udl(162), "7-bit UDL 162"),
    ("udl163", c_udl(163), "7-bit UDL 163"),
    ("udl164", c_udl(164), "7-bit UDL 164"),
    ("udl165", c_udl(165), "7-bit UDL 165"),
    ("udl166", c_udl(166), "7-bit UDL 166"),
    ("udl167", c_udl(167), "7-bit UDL 167"),
    ("udl168", c_udl(168), "7-bit UDL 168"),
    ("alnum_sender", c_alnum, "alphanumeric sender INFOPLN"),
    ("empty_text", c_empty, "GSM 7-bit, UDL 0"),
    ("compressed", c_compressed, "DCS 0x20, compressed"),
    ("mwi_c0", c_mwi(0xC0, "Pesan suara buang C0"), "MWI group discard, DCS 0xC0"),
    ("mwi_d0", c_mwi(0xD0, "Pesan suara simpan D0"), "MWI group store GSM, DCS 0xD0"),
    ("mwi_e0", c_mwi(0xE0, "Pesan suara simpan E0"), "MWI group store UCS-2, DCS 0xE0"),
    ("ucs2_odd", c_ucs2_odd, "UCS-2 with 7 octets"),
    ("ref16", c_ref16, "two parts, 16-bit reference"),
    ("submit", c_submit, "SMS-SUBMIT PDU in the inbox"),
    ("national_sender", c_national, "sender 0812... type unknown"),
    ("national_typed", c_national_typed, "sender 812... type national"),
    ("long_sender", c_long_sender, "sender address of 40 digits"),
    ("short_sender", c_short_sender, "5-digit sender"),
    ("udh_unknown_iei", c_udh_unknown_iei, "UDH with only an unknown IEI"),
    ("euro_boundary", c_euro_boundary, "GSM 7-bit ESC ending part 1, 0x65 starting part 2"),
    ("tilde_boundary", c_tilde_boundary, "GSM 7-bit ESC / 0x3D cut, parts in reverse order"),
    ("escape_undefined", c_escape_undefined, "GSM 7-bit ESC before codes with no extension"),
    ("ucs2_tilde", c_ucs2_tilde, "UCS-2 text holding '~'"),
    ("ucs2_tilde_parts", c_ucs2_tilde_parts, "two UCS-2 parts holding '~'"),
    ("split_surrogate_late", c_split_surrogate_late, "pair cut between parts 2 and 3, out of order"),

    ("edge_alnum", c_group(
        c_alnum_id("INFO_P@B", "Promo kuota murah hari ini"),
        c_alnum_id("BANK@", "Tagihan kartu kredit Anda"),
        c_alnum_id("08123456789", "Pengirim huruf berupa angka"),
        c_alnum_id("+6281291600099", "Pengirim huruf seperti nomor"),
        c_alnum_id("Promo{1}", "Pengirim dengan kurung kurawal")),
     "alphanumeric senders: _ and @, @ last, digits, + and digits, extension characters"),
    ("edge_pid_type0", c_group(
        c_pid_type0(1, "Pesan senyap", "gsm7"),
        c_pid_type0(2, "Pesan senyap \u263a", "ucs2"),
        c_pid_type0(3, "", "gsm7")),
     "TP-PID 0x40 in GSM 7-bit, in UCS-2, and without text"),
    ("edge_concat", c_group(
        c_bad_concat(4, "Satu dari satu", 1, 1),
        c_bad_concat(5, "Nol dari tiga", 3, 0),
        c_bad_concat(6, "Lima dari tiga", 3, 5),
        c_bad_concat(7, "Nol enam belas bit", 2, 0, ref16=True),
        c_bad_concat(8, "Nol dari nol", 0, 0)),
     "concatenation 1 of 1, 0 of 3, 5 of 3, 0 of 2 (16-bit reference), 0 of 0"),
    ("edge_udh_longer", c_group(
        c_udh_longer_gsm7(9, 0x30),
        c_udh_longer_gsm7(10, 0x09),
        c_udh_longer_ucs2(11)),
     "UDH longer than the user data: 7-bit by far, 7-bit by one octet, UCS-2"),
    ("edge_tail", c_group(
        c_extra_octets(12, "Ekor dua oktet", "gsm7", "0102"),
        c_extra_octets(13, "Ekor tiga oktet", "ucs2", "000000"),
        c_extra_octets(14, "Ekor satu oktet", "gsm7", "41"),
        c_extra_octets(15, "Ekor FF", "gsm7", "FFFF")),
     "valid PDUs followed by 2, 3 and 1 more octets, and by FF padding"),
]


def build(out_dir, manifest):
    os.makedirs(out_dir, exist_ok=True)
    rows = []
    for i, (name, builder, note) in enumerate(CASES, start=1):
        for sender, pdus in builder(i):
            idx = mkpdu.write_inbox(out_dir, pdus)
            rows.append((name, "poison", sender, ",".join(map(str, idx)), ",".join(pdus), note))
        g = good_sender(i)
        pdus = mkpdu.message_pdus(g, "Pesan baik %02d" % i)
        idx = mkpdu.write_inbox(out_dir, pdus)
        rows.append((name, "good", g, ",".join(map(str, idx)), ",".join(pdus), "Pesan baik %02d" % i))
    with open(manifest, "w", encoding="utf-8") as f:
        f.write("case\trole\tsender\tindexes\tpdus\tnote\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description="Write the poison corpus into a simulator inbox")
    p.add_argument("--out-dir", required=True, help="the simulator's DIR/inbox")
    p.add_argument("--manifest", required=True, help="TSV of what was written")
    p.add_argument("--list", action="store_true", help="print the case names and exit")
    a = p.parse_args(argv)
    if a.list:
        for name, _, note in CASES:
            print("%s\t%s" % (name, note))
        return 0
    rows = build(a.out_dir, a.manifest)
    print("%d cases, %d inbox files" % (len(CASES), sum(len(r[3].split(",")) for r in rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
