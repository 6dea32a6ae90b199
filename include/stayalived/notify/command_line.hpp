// keepalived's split of a configured script string ("notify_master", "script", "misc_path",
// "notify_up", ...) into an argv. Pure: no I/O.
//
// keepalived processes a script string twice. The config reader first takes the quoted
// token of the line (removing its outer quotes and decoding its escapes); that is the
// config module's job. The resulting text is then split into words here, with the rules
// observed on keepalived 2.2.7:
//   - words are separated by runs of white space (space, \t, \n, \v, \f, \r); leading and
//     trailing white space is ignored;
//   - ' and " quote a section of a word (`a'b c'd` is the one word `ab cd`); the other quote
//     character is literal inside; an empty quoted section gives an empty word;
//   - a backslash escapes, outside and inside either quote: \a \b \E \f \n \r \t \v, \nnn
//     (1 to 3 octal digits), \x followed by any number of hex digits (the low byte is kept;
//     no digit gives 'x'), \cC (C & 0x1f; at the end of the text 'c'), and \C for any other
//     C is C itself (so `\ ` is a space inside a word, `\'` a quote); an escape never
//     separates words;
//   - an escape that yields a NUL byte ends the word's visible text (the rest of that word is
//     dropped), as the C string keepalived builds does;
//   - an unterminated quote is an error, except a quote that is the very last character of
//     the text, which is ignored; a backslash at the very end is an error.
// There is no other shell processing: `$HOME`, `~`, `*`, `;`, backquotes are literal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stayalived/common/expected.hpp"

namespace stayalived::notify {

/// Why a script string could not be split. `message` is keepalived's text (the config
/// module prefixes it with "(FILE: Line N) ").
struct CommandLineError {
  std::string message;
};

/// Splits a script string into argv as keepalived does (rules above). An empty or
/// all-white-space text gives an empty vector.
Expected<std::vector<std::string>, CommandLineError> split_command_line(std::string_view text);

/// Renders argv as keepalived's dumps do: each word in single quotes, separated by a space
/// (`'/bin/notify.sh' 'INSTANCE' 'VI_1'`). For logs and the data dump only: the quoting is
/// not reversible.
std::string quote_command(const std::vector<std::string>& argv);

}  // namespace stayalived::notify
