// The notify module: everything that tells the outside world about state changes —
// scripts, notify FIFOs and SMTP alerts — with keepalived 2.2.7's observable contracts.
//
// Pieces (each header documents itself):
//   command_line.hpp     split_command_line(): a configured script string -> argv     [core]
//   script_security.hpp  check_script(), default_script_user(): enable_script_security [core]
//   events.hpp           notify argv and FIFO lines (INSTANCE/GROUP, VS/RS)            [core]
//   alert.hpp            SMTP alert subjects/bodies, DATA payload                     [core]
//   script_runner.hpp    ScriptRunner: runs scripts on the io_context (Asio)
//   fifo.hpp             NotifyFifo, NotifyFifos: non-blocking FIFO writers
//   smtp.hpp             SmtpAlerter: queued asynchronous SMTP client (Asio)
// [core] = stayalived::notifycore, no Asio (the config validator links only that);
// the rest is stayalived::notify.
//
// How the subsystems use it (one ScriptRunner, one NotifyFifos and one SmtpAlerter per
// daemon, created by the daemon and lent to VRRP and the checkers):
//
// Config time (config module / validator):
//   auto argv = split_command_line(text);            // after the config reader's own
//                                                    // quote/escape pass on the token
//   auto who  = script's "user [group]" ? resolve_script_user(u, g, users)
//                                       : default_script_user(...).credentials;
//   auto chk  = check_script(argv[0], who, {getenv("PATH"), cwd}, SystemFileSystem{});
//   log chk.warnings; if (!chk.usable(enable_script_security)) log
//   chk.keepalived_message(...) and drop the script; else argv[0] = chk.exec_path.
//
// (ScriptSpec is filled member by member below: GCC 12 with -Wextra -Werror rejects
// designated initializers that leave members out, -Wmissing-field-initializers.)
//
// VRRP, on a transition of instance VI_1 to MASTER at priority 100:
//   ScriptSpec s; s.argv = notify_master_argv; s.run_as = who;
//   runner.async_run(s, on_done);                     // on_done(ScriptResult)
//   s.argv = vrrp_notify_argv(notify_argv, VrrpScope::Instance, "VI_1", VrrpEvent::Master, 100);
//   runner.async_run(s, on_done);
//   fifos.vrrp_line(vrrp_fifo_line(VrrpScope::Instance, "VI_1", VrrpEvent::Master, 100));
//   if (smtp_alert) alerter.send(vrrp_instance_alert(router_id, "VI_1", VrrpEvent::Master));
//   (groups: VrrpScope::Group, priority 0, vrrp_group_alert). keepalived starts the
//   notify_* script before the generic `notify` one; the runner starts them in call order
//   but does not serialise them — co_await the first if an order of completion matters.
//
// vrrp_script (interval, timeout) and MISC_CHECK (misc_timeout, misc_dynamic):
//   ScriptSpec s; s.argv = argv; s.run_as = who; s.timeout = timeout;
//   ScriptResult r = co_await runner.async_run(s, boost::asio::use_awaitable);
//   r.outcome: Exited (r.exit_status), Signaled, TimedOut, FailedToStart (r.error).
//
// Checkers, on a real server going down:
//   const auto vs = lvs_service("10.0.0.100", "tcp", 80);   // or lvs_fwmark(7), lvs_group("G")
//   const auto rs = lvs_service("192.168.1.10", "tcp", 80); // fwmark: ("...", "none", 0)
//   runner.async_run(spec_of_notify_down, on_done);          // configured argv, no extra args
//   fifos.lvs_line(lvs_rs_fifo_line(rs, vs, false));
//   alerter.send(real_server_alert(router_id, rs, vs, false, checker_messages::kTcpDown));
//   and on quorum changes lvs_vs_fifo_line(vs, up), virtual_server_alert(...),
//   quorum_up/quorum_down scripts (no extra args).
#pragma once

#include "stayalived/notify/alert.hpp"
#include "stayalived/notify/command_line.hpp"
#include "stayalived/notify/events.hpp"
#include "stayalived/notify/fifo.hpp"
#include "stayalived/notify/script_runner.hpp"
#include "stayalived/notify/script_security.hpp"
#include "stayalived/notify/smtp.hpp"
