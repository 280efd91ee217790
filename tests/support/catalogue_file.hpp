// One message-catalogue file as the catalogue tests read it, and the
// placeholders of a message.
#pragma once

#include <map>
#include <set>
#include <string>

namespace yiwang::test {

// web/i18n/<language>/<file>: key → message. A syntax error, a value that is
// not a string, or an empty message fails the calling test.
std::map<std::string, std::string> catalogue_file(const std::string& language,
                                                  const std::string& file);

// The keys of a catalogue file's messages.
std::set<std::string> keys_of(const std::map<std::string, std::string>& messages);

// The {name} placeholders of a message.
std::set<std::string> placeholders(const std::string& message);

}  // namespace yiwang::test
