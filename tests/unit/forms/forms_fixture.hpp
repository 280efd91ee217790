// What the tests of forms/ share: the 企业开办 application form, a valid
// answer to it, the context a submission is read in, and small helpers to
// build posted forms and to print errors.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "forms/schema.hpp"
#include "forms/submission.hpp"
#include "http/form_data.hpp"

namespace yiwang::forms::test {

// Posted name/value pairs, in order (a name may repeat).
using Pairs = std::vector<std::pair<std::string, std::string>>;

// 企业开办申请表: every field type, Chinese and English texts, a conditional
// group, a repeatable group with conditions on a sibling, bound fields, file
// fields, a required field shown when a checkbox option is ticked.
extern const char* const kStartUp;

// A small but well-formed PDF file (passes the content check of ".pdf").
extern const std::string kPdf;

// A citizen identity number with a correct GB 11643 check character.
std::string citizen(const std::string& first17);

// 张三's citizen number: 福州鼓楼, 1990-03-07.
extern const std::string kZhangSan;

// A valid unified social credit code (a published example, 福州).
extern const std::string kCompanyCode;

// Errors one a line (key, field and parameters), for failure messages.
std::string describe(const std::vector<Error>& errors);

// The schema of `text`; a schema that does not parse fails the calling test.
FormSchema schema_of(std::string_view text);

// kStartUp, parsed once.
const FormSchema& start_up();

// The context of a submission: today is 2026-03-10 and a few division codes
// of 福建 and 北京 have names.
Context context();

// A posted form of `pairs`, as the HTTP parsers hand it over.
http::FormData form_data(const Pairs& pairs);

// Adds an uploaded file to a posted form.
void attach(http::FormData& data, const std::string& field, const std::string& filename,
            const std::string& bytes, const std::string& content_type = "application/pdf");

// `pairs` with every value of `name` replaced by `value` (or added).
Pairs with(Pairs pairs, const std::string& name, const std::string& value);

// `pairs` without any value of `name`.
Pairs without(Pairs pairs, const std::string& name);

// Everything the 企业开办 form needs, valid (the charter is attached apart).
Pairs complete();

}  // namespace yiwang::forms::test
