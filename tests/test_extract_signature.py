"""The signature block, the report number and the SZSE summary table in every form issue 11 lists, read from
text as PDFium gives it: the firm and date printed with the signature, never a date further down the page."""

from __future__ import annotations

import datetime as dt

import pytest

from compliance.extract.signature import report_number, signature_block, summary_table


@pytest.mark.parametrize(("text", "firm", "date"), [
    # 海翔药业: the consolidated balance sheet (2019年12月31日) follows the signature on the same page
    ("天健会计师事务所（特殊普通合伙） 中国注册会计师：张三\n（项目合伙人）\n中国注册会计师：李四\n"
     "中国·杭州 二〇二〇年一月二十二日\n合并资产负债表\n2019年12月31日\n编制单位：浙江海翔药业股份有限公司",
     "天健会计师事务所（特殊普通合伙）", dt.date(2020, 1, 22)),
    # 常柴: the firm's name broken over two lines beside the CPA names
    ("公证天业会计师事务所 中国注册会计师：王一\n（特殊普通合伙） （项目合伙人）\n中国注册会计师：赵二\n"
     "中国·无锡 2020年4月9日\n合并资产负债表\n2019年12月31日",
     "公证天业会计师事务所（特殊普通合伙）", dt.date(2020, 4, 9)),
    ("立信会计师事务所（特殊普通合伙） 中国注册会计师：钱三\n中国注册会计师：孙四\n中国·上海\n2020年04月01日",
     "立信会计师事务所（特殊普通合伙）", dt.date(2020, 4, 1)),
    ("PricewaterhouseCoopers\nCertified Public Accountants\nHong Kong, 26th June 2020",
     "PricewaterhouseCoopers (Hong Kong)", dt.date(2020, 6, 26)),
    ("Deloitte Touche Tohmatsu\nCertified Public Accountants\nHong Kong\n20 March 2020",
     "Deloitte Touche Tohmatsu (Hong Kong)", dt.date(2020, 3, 20)),
    ("KPMG\nCertified Public Accountants\n8th Floor, Prince's Building\n10 Chater Road\nCentral, Hong Kong\n"
     "26 March 2020", "KPMG (Hong Kong)", dt.date(2020, 3, 26)),
    ("/s/ KPMG LLP\nWe have served as the Company's auditor since 1983.\nSanta Clara, California\nJanuary 21, 2020",
     "KPMG LLP", dt.date(2020, 1, 21)),
    ("(signed) Ernst & Young LLP\nSan Jose, California\nFebruary 15, 2020", "Ernst & Young LLP", dt.date(2020, 2, 15)),
])
def test_firm_and_report_date_from_the_signature_block(text, firm, date) -> None:
    signature = signature_block(text)
    assert (signature.auditor, signature.report_date) == (firm, date)


def test_a_firm_without_a_dated_line_has_no_report_date() -> None:
    # the only date on the page is the balance sheet's: it is never the report date
    signature = signature_block("天健会计师事务所（特殊普通合伙） 中国注册会计师：张三\n合并资产负债表\n2019年12月31日")
    assert signature.auditor == "天健会计师事务所（特殊普通合伙）" and signature.report_date is None


@pytest.mark.parametrize("number", ["天健审〔2020〕58号", "众环审字（2020）710008号", "苏公W[2020]A237号",
                                    "天职业字[2020]12328号", "亚会A审字（2020）0157号", "信会师报字[2020]第ZA10121号",
                                    "德师报(审)字(20)第P01234号", "毕马威华振审字第2001234号", "XYZH/2020BJA10123"])
def test_report_number_under_the_title_as_printed(number) -> None:
    assert report_number(f"浙江某某股份有限公司\n审 计 报 告\n{number}\n某某股份有限公司全体股东：") == number


def test_report_number_never_carries_its_label() -> None:
    assert report_number("审计报告\n审计报告文号：天健审〔2020〕58号") == "天健审〔2020〕58号"
    assert report_number("INDEPENDENT AUDITOR'S REPORT\nReport No. AM/WZ/2031/0007") == "AM/WZ/2031/0007"


def test_a_number_far_from_the_title_is_not_the_report_number() -> None:
    page = "审计报告\n某某公司全体股东：\n一、审计意见\n我们审计了\n" + "正文。\n" * 5 + "见京审字[2019]第0001号文。"
    assert report_number(page) is None


def test_szse_summary_table() -> None:
    pages = ["封面", "一、审计报告\n审计意见类型 标准的无保留意见\n审计报告签署日期 2020年04月09日\n"
                   "审计机构名称 公证天业会计师事务所（特殊普通合伙）\n审计报告文号 苏公W[2020]A237号"]
    table = summary_table(pages, range(0, 2))
    assert (table.page, table.auditor, table.report_date, table.report_number, table.opinion) == (
        1, "公证天业会计师事务所（特殊普通合伙）", dt.date(2020, 4, 9), "苏公W[2020]A237号", "unqualified")
