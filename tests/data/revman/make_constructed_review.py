#!/usr/bin/env python3
"""Writes constructed_review.rm5: a RevMan 5 file built by hand (not exported by RevMan) that holds
published numbers from three datasets in ../ (see README.md in this folder). Run from any directory:

    python3 tests/data/revman/make_constructed_review.py

The output is ISO-8859-1 encoded, as RevMan 5 writes it. Numbers are copied as text from the CSV
files; the only computed values are the IV outcome's SE = sqrt(vi) and LOG_EFFECT_SIZE = log10(or),
written with repr() (shortest string that reads back to the same double).
"""
import csv
import math
import os
from xml.sax.saxutils import quoteattr

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..")

# Real spellings of names the CSV files write in ASCII.
NON_ASCII = {"Thogersen": "Th\u00f8gersen", "Umea": "Ume\u00e5", "Jockel": "J\u00f6ckel"}


def rows(name):
    with open(os.path.join(DATA, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def study_id(label):
    out = []
    for ch in label:
        if ch.isascii() and (ch.isalnum()):
            out.append(ch)
        elif ch in " -":
            out.append("-")
        else:
            out.append("_x%04x_" % ord(ch))
    return "STD-" + "".join(out)


studies = []  # (id, name, year)
lines = []


def add_study(name, year):
    sid = study_id(name)
    studies.append((sid, name, year))
    return sid


def attrs(**kw):
    return " ".join("%s=%s" % (k, quoteattr(str(v))) for k, v in kw.items())


# ---- Comparison 1: magnesium (dat.li2007, Cochrane review CD002755), dichotomous, OR
li = rows("dat.li2007.csv")
cmp1 = []
for r in li:
    name = NON_ASCII.get(r["study"], r["study"]) + " " + r["year"]
    sid = add_study(name, r["year"])
    extra = {}
    if r["study"] == "ISIS-4":
        extra["FOOTNOTES"] = "FTN-001"
    cmp1.append("<DICH_DATA %s/>" % attrs(ESTIMABLE="YES", EVENTS_1=r["ai"], EVENTS_2=r["ci"], **extra,
                                           ORDER=r["id"], STUDY_ID=sid, TOTAL_1=r["n1i"], TOTAL_2=r["n2i"]))
magic_id = study_id("MAGIC 2000")

# ---- Comparison 2: stroke units (dat.normand1999), continuous, MD
normand = rows("dat.normand1999.csv")
cmp2 = []
for r in normand:
    name = NON_ASCII.get(r["source"], r["source"])
    sid = add_study(name, "")
    extra = {"FOOTNOTES": "FTN-003"} if r["source"] == "Umea" else {}
    cmp2.append("<CONT_DATA %s/>" % attrs(ESTIMABLE="YES", **extra, MEAN_1=r["m1i"], MEAN_2=r["m2i"],
                                           ORDER=r["study"], SD_1=r["sd1i"], SD_2=r["sd2i"], STUDY_ID=sid,
                                           TOTAL_1=r["n1i"], TOTAL_2=r["n2i"]))

# ---- Comparison 3: passive smoking (dat.hackshaw1998), generic inverse variance, OR, subgroups by design
hack = rows("dat.hackshaw1998.csv")
sub = {"cohort": [], "case-control": []}
for r in hack:
    name = NON_ASCII.get(r["author"], r["author"]) + " " + r["year"]
    sid = add_study(name, r["year"])
    o = float(r["or"])
    se = math.sqrt(float(r["vi"]))
    sub[r["design"]].append("<IV_DATA %s/>" % attrs(ESTIMABLE="YES", EFFECT_SIZE=r["or"],
                                                     LOG_EFFECT_SIZE=repr(math.log10(o)), ORDER=r["study"],
                                                     SE=repr(se), STUDY_ID=sid, TOTAL_1="0", TOTAL_2="0"))

out = []
out.append('<?xml version="1.0" encoding="ISO-8859-1" standalone="no"?>')
out.append('<COCHRANE_REVIEW DESCRIPTION="Constructed test file for evident (not a Cochrane review)" DOI="" '
           'GROUP_ID="" ID="EVIDENT-TEST-0001" REVMAN_SUB_VERSION="5.4.1" REVMAN_VERSION="5" STAGE="R" '
           'STATUS="A" TYPE="INTERVENTION" VERSION_NO="0.1">')
out.append("<COVER_SHEET>")
out.append("<TITLE>Constructed review: magnesium after myocardial infarction, stroke units, passive smoking</TITLE>")
out.append("</COVER_SHEET>")
out.append("<MAIN_TEXT>\n<SUMMARY>\n<TITLE/>\n<SUMMARY_BODY/>\n</SUMMARY>\n</MAIN_TEXT>")
out.append("<STUDIES_AND_REFERENCES>\n<STUDIES>\n<INCLUDED_STUDIES>")
for sid, name, year in studies:
    out.append('<STUDY DATA_SOURCE="PUB" %s>' % attrs(ID=sid, NAME=name, YEAR=year))
    out.append('<REFERENCE PRIMARY="YES" TYPE="JOURNAL_ARTICLE">\n<IDENTIFIERS/>\n</REFERENCE>\n<IDENTIFIERS/>')
    out.append("</STUDY>")
out.append("</INCLUDED_STUDIES>\n<EXCLUDED_STUDIES/>\n<AWAITING_STUDIES/>\n<ONGOING_STUDIES/>\n</STUDIES>")
out.append("<OTHER_REFERENCES>\n<ADDITIONAL_REFERENCES/>\n</OTHER_REFERENCES>\n</STUDIES_AND_REFERENCES>")
out.append("<CHARACTERISTICS_OF_STUDIES>\n<CHARACTERISTICS_OF_INCLUDED_STUDIES SORT_BY=\"STUDY\">\n<FOOTNOTES/>\n"
           "</CHARACTERISTICS_OF_INCLUDED_STUDIES>\n</CHARACTERISTICS_OF_STUDIES>")
out.append("<QUALITY_ITEMS/>")
out.append('<ANALYSES_AND_DATA CALCULATED_DATA="NO">')

out.append('<COMPARISON ID="CMP-001" NO="1">\n<NAME>Magnesium versus control</NAME>')
out.append('<DICH_OUTCOME CI_STUDY="95" CI_TOTAL="95" EFFECT_MEASURE="OR" ESTIMABLE="YES" ID="CMP-001.01" '
           'METHOD="MH" NO="1" RANDOM="NO" SUBGROUPS="NO" SWAP_EVENTS="NO" TOTALS="YES">')
out.append("<NAME>Death</NAME>\n<GROUP_LABEL_1>Magnesium</GROUP_LABEL_1>\n<GROUP_LABEL_2>Control</GROUP_LABEL_2>")
out.append("<GRAPH_LABEL_1>Favours magnesium</GRAPH_LABEL_1>\n<GRAPH_LABEL_2>Favours control</GRAPH_LABEL_2>")
out.append('<FOOTNOTES>\n<FOOTNOTE ID="FTN-001"><P>Mega-trial; counts as in metadat dat.li2007.</P></FOOTNOTE>')
out.append('<FOOTNOTE ID="FTN-002"><P>Constructed file: numbers from Li et al. (2007), CD002755.</P></FOOTNOTE>')
out.append("</FOOTNOTES>")
out.extend(cmp1)
out.append("</DICH_OUTCOME>")
out.append('<DICH_OUTCOME CI_STUDY="95" CI_TOTAL="95" EFFECT_MEASURE="RR" ESTIMABLE="NO" ID="CMP-001.02" '
           'METHOD="MH" NO="2" RANDOM="NO" SUBGROUPS="NO" SWAP_EVENTS="NO" TOTALS="YES">')
out.append("<NAME>Death after discharge</NAME>\n<GROUP_LABEL_1>Magnesium</GROUP_LABEL_1>\n"
           "<GROUP_LABEL_2>Control</GROUP_LABEL_2>\n<GRAPH_LABEL_1/>\n<GRAPH_LABEL_2/>\n<FOOTNOTES/>")
out.append("<DICH_DATA %s/>" % attrs(ESTIMABLE="NO", EVENTS_1="0", EVENTS_2="0", ORDER="1", STUDY_ID=magic_id,
                                      TOTAL_1="0", TOTAL_2="0"))
out.append("</DICH_OUTCOME>\n</COMPARISON>")

out.append('<COMPARISON ID="CMP-002" NO="2">\n<NAME>Specialist stroke care versus routine care</NAME>')
out.append('<CONT_OUTCOME CI_STUDY="95" CI_TOTAL="95" EFFECT_MEASURE="MD" ESTIMABLE="YES" ID="CMP-002.01" NO="1" '
           'RANDOM="YES" SUBGROUPS="NO" TOTALS="YES" UNITS="days">')
out.append("<NAME>Length of hospital stay</NAME>\n<GROUP_LABEL_1>Specialist stroke care</GROUP_LABEL_1>\n"
           "<GROUP_LABEL_2>Routine care</GROUP_LABEL_2>\n<GRAPH_LABEL_1>Favours specialist care</GRAPH_LABEL_1>\n"
           "<GRAPH_LABEL_2>Favours routine care</GRAPH_LABEL_2>")
out.append('<FOOTNOTES>\n<FOOTNOTE ID="FTN-003"><P>Study name written Ume\u00e5 (Sweden) here; metadat spells '
           'it Umea.</P></FOOTNOTE>\n</FOOTNOTES>')
out.extend(cmp2)
out.append("</CONT_OUTCOME>\n</COMPARISON>")

out.append('<COMPARISON ID="CMP-003" NO="3">\n<NAME>Spouse smokes versus spouse does not smoke</NAME>')
out.append('<IV_OUTCOME CI_STUDY="95" CI_TOTAL="95" EFFECT_MEASURE="OR" ESTIMABLE="YES" ID="CMP-003.01" '
           'LOG_DATA="YES" NO="1" RANDOM="YES" SUBGROUPS="YES" TOTALS="YES">')
out.append("<NAME>Lung cancer in lifelong non-smokers</NAME>\n<GROUP_LABEL_1>Spouse smokes</GROUP_LABEL_1>\n"
           "<GROUP_LABEL_2>Spouse does not smoke</GROUP_LABEL_2>\n<GRAPH_LABEL_1/>\n<GRAPH_LABEL_2/>")
out.append('<IV_SUBGROUP ID="CMP-003.01.01" NO="1">\n<NAME>Cohort studies</NAME>')
out.extend(sub["cohort"])
out.append("</IV_SUBGROUP>")
out.append('<IV_SUBGROUP ID="CMP-003.01.02" NO="2">\n<NAME>Case-control studies</NAME>')
out.extend(sub["case-control"])
out.append("</IV_SUBGROUP>\n</IV_OUTCOME>\n</COMPARISON>")
out.append("</ANALYSES_AND_DATA>\n<FIGURES/>\n<APPENDICES/>\n</COCHRANE_REVIEW>\n")

with open(os.path.join(HERE, "constructed_review.rm5"), "w", encoding="iso-8859-1", newline="\n") as f:
    f.write("\n".join(out))
