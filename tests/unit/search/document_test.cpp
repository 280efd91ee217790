// Document numbers (发文字号) however they were typed, and the Document's JSON
// form that the outbox and the index store.
#include <gtest/gtest.h>

#include "search/document.hpp"

using namespace yiwang::search;

TEST(DocNumber, NormalisesEveryBracketKind) {
  EXPECT_EQ(normalise_doc_number("国办发〔2019〕9号"), "国办发20199号");
  EXPECT_EQ(normalise_doc_number("国办发[2019]9号"), "国办发20199号");
  EXPECT_EQ(normalise_doc_number("国办发（2019）9 号"), "国办发20199号");
  EXPECT_EQ(normalise_doc_number("国办发(2019)9号"), "国办发20199号");
  EXPECT_EQ(normalise_doc_number("国办发［2019］9号"), "国办发20199号");
  EXPECT_EQ(normalise_doc_number("国办发【2019】9号"), "国办发20199号");
  EXPECT_EQ(normalise_doc_number("国办发﹝2019﹞9号"), "国办发20199号");
  EXPECT_EQ(normalise_doc_number(" 国办发 〔２０１９〕 ９号\u3000"), "国办发20199号");
  EXPECT_EQ(normalise_doc_number("京政发〔2021〕103号"), "京政发2021103号");
}

TEST(DocNumber, NormalisingNothingGivesEmpty) {
  EXPECT_EQ(normalise_doc_number(""), "");
  EXPECT_EQ(normalise_doc_number("  〔〕 [ ] （）\u3000"), "");
}

TEST(DocNumber, NormalisingKeepsInvalidBytes) {
  std::string bad = "国办发\xff[2019]9号";
  EXPECT_EQ(normalise_doc_number(bad),
            "国办发\xff"
            "20199号");
}

TEST(DocNumber, RecognisesDocumentNumbers) {
  EXPECT_TRUE(looks_like_doc_number("国办发〔2019〕9号"));
  EXPECT_TRUE(looks_like_doc_number("国办发[2019]9号"));
  EXPECT_TRUE(looks_like_doc_number("国办发（2019）9号"));
  EXPECT_TRUE(looks_like_doc_number("国办发(2019)9号"));
  EXPECT_TRUE(looks_like_doc_number("国办发［2019］9号"));
  EXPECT_TRUE(looks_like_doc_number("国办发【2019】9号"));
  EXPECT_TRUE(looks_like_doc_number("国办发〔２０１９〕１２号"));
  EXPECT_TRUE(looks_like_doc_number(" 国办发 〔2019〕 9 号 "));
  EXPECT_TRUE(looks_like_doc_number("粤府函〔2020〕156号"));
}

TEST(DocNumber, RejectsOtherQueries) {
  EXPECT_FALSE(looks_like_doc_number(""));
  EXPECT_FALSE(looks_like_doc_number("政务公开"));
  EXPECT_FALSE(looks_like_doc_number("国办发20199号"));       // no brackets
  EXPECT_FALSE(looks_like_doc_number("〔2019〕9号"));         // no organ
  EXPECT_FALSE(looks_like_doc_number("国办发〔19〕9号"));     // two-digit year
  EXPECT_FALSE(looks_like_doc_number("国办发〔20190〕9号"));  // five digits
  EXPECT_FALSE(looks_like_doc_number("国办发〔2019〕号"));    // no sequence number
  EXPECT_FALSE(looks_like_doc_number("国办发〔2019〕9"));     // no 号
  EXPECT_FALSE(looks_like_doc_number("国办发〔2019〕9号文件"));
  EXPECT_FALSE(looks_like_doc_number("GBF[2019]9号"));
  EXPECT_FALSE(looks_like_doc_number("' OR 1=1 --"));
  EXPECT_FALSE(looks_like_doc_number("国办发〔2019〕9号 AND 政务"));
  EXPECT_FALSE(looks_like_doc_number(std::string(10000, 'x')));
}

TEST(DocumentJson, RoundTrips) {
  Document d{"article:42",
             "article",
             "关于推进政务公开的通知",
             "正文 \"引号\" <b>标签</b>\n第二行",
             "/articles/42",
             "政策文件",
             "国务院办公厅",
             "国办发〔2019〕9号",
             "2019-03-01T08:00:00Z",
             {"政务公开", "信息公开"}};
  Document back = document_from_json(document_to_json(d));
  EXPECT_EQ(back.id, d.id);
  EXPECT_EQ(back.kind, d.kind);
  EXPECT_EQ(back.title, d.title);
  EXPECT_EQ(back.body, d.body);
  EXPECT_EQ(back.url, d.url);
  EXPECT_EQ(back.column, d.column);
  EXPECT_EQ(back.organ, d.organ);
  EXPECT_EQ(back.doc_number, d.doc_number);
  EXPECT_EQ(back.published_at, d.published_at);
  EXPECT_EQ(back.keywords, d.keywords);
}

TEST(DocumentJson, ToleratesMissingFieldsAndGarbage) {
  EXPECT_EQ(document_from_json(R"({"id":"a:1"})").id, "a:1");
  EXPECT_EQ(document_from_json(R"({"id":"a:1"})").title, "");
  EXPECT_EQ(document_from_json("not json").id, "");
  EXPECT_EQ(document_from_json(R"([1,2])").id, "");
  EXPECT_EQ(document_from_json(R"({"id":5,"keywords":"x"})").id, "");
  // Invalid UTF-8 does not throw.
  Document d;
  d.id = "x:1";
  d.title = "bad \xff byte";
  EXPECT_EQ(document_from_json(document_to_json(d)).id, "x:1");
}
