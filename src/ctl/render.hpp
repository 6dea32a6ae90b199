// stayalivedctl's human output: the daemon's JSON answers as tables and sentences.
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace stayalived::ctl {

std::string render_status(const boost::json::value& v);
std::string render_explain(const boost::json::value& v);
std::string render_history_event(const boost::json::value& e);
std::string render_reload(const boost::json::value& v, bool dry_run);

}  // namespace stayalived::ctl
