// `tailor lock acquire|status|renew|release|hold`: reservations of the install root for
// automation and the install lock itself (docs/lock-and-events.md).
#include <thread>

#include "command.hpp"
#include "config/home.hpp"
#include "coord/reservation.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct Options {
  std::string lock_timeout;
  std::string holder;
  std::string reason;
  std::string token;
  std::optional<int64_t> ttl;
  bool force = false;
  bool json = false;
  double seconds = 0;
  std::vector<std::string> command;
};

nlohmann::ordered_json reservation_json(const coord::Reservation& r) {
  return {{"holder", r.holder},
          {"reason", r.reason},
          {"expires", coord::format_rfc3339(r.expires_ms)},
          {"renewed", coord::format_rfc3339(r.renewed_ms)},
          {"ttl_seconds", r.ttl_seconds}};
}

Result<coord::LockCommand> lock_command(const Options& opts, const Context& ctx) {
  coord::LockCommand command;
  command.lock.home = config::tailor_home();
  command.lock.output = &ctx.output;
  if (!opts.lock_timeout.empty()) {
    auto timeout = coord::parse_lock_timeout(opts.lock_timeout);
    if (!timeout) return fail(timeout.error());
    command.lock.timeout = *timeout;
  }
  command.holder = opts.holder;
  command.reason = opts.reason;
  command.token = opts.token;
  command.ttl_seconds = opts.ttl;
  return command;
}

Result<int> run_acquire(const Options& opts, const Context& ctx) {
  auto command = lock_command(opts, ctx);
  if (!command) return fail(command.error());
  auto acquired = coord::reserve_install_root(*command);
  if (!acquired) return fail(acquired.error());
  if (ctx.output.json) {
    nlohmann::ordered_json json{{"token", acquired->token}, {"generation", acquired->generation}};
    json.update(reservation_json(acquired->reservation));
    ctx.output.write(util::canonical_json(json));
  } else {
    ctx.output.print("{}\n", acquired->token);
  }
  ctx.output.info("{} (generation {}); the token above is shown only once",
                  coord::describe_reservation(acquired->reservation), acquired->generation);
  return 0;
}

Result<int> run_status(const Context& ctx) {
  auto status = coord::read_lock_status(config::tailor_home());
  if (!status) return fail(status.error());
  if (ctx.output.json) {
    nlohmann::ordered_json holder = nullptr;
    if (status->holder) {
      holder = {{"pid", status->holder->pid},
                {"user", status->holder->user},
                {"command", status->holder->command},
                {"started", status->holder->started}};
    }
    nlohmann::ordered_json json{
        {"generation", status->state.generation},
        {"reservation", status->live ? reservation_json(*status->live) : nlohmann::ordered_json(nullptr)},
        {"install_lock", {{"held", status->install_lock_held}, {"holder", holder}, {"stale", status->holder_stale}}}};
    ctx.output.write(util::canonical_json(json));
    return 0;
  }
  ctx.output.print("reservation: {}\n", status->live ? coord::describe_reservation(*status->live) : "none");
  ctx.output.print("generation: {}\n", status->state.generation);
  if (status->install_lock_held) {
    ctx.output.print("install lock: held by {}\n", coord::describe_holder(status->holder));
  } else if (status->holder_stale) {
    ctx.output.print("install lock: free (stale holder file of {})\n", coord::describe_holder(status->holder));
  } else {
    ctx.output.print("install lock: free\n");
  }
  return 0;
}

Result<int> run_renew(const Options& opts, const Context& ctx) {
  auto command = lock_command(opts, ctx);
  if (!command) return fail(command.error());
  auto renewed = coord::renew_reservation(*command);
  if (!renewed) return fail(renewed.error());
  ctx.output.print("{}\n", coord::describe_reservation(*renewed));
  return 0;
}

Result<int> run_release(const Options& opts, const Context& ctx) {
  auto command = lock_command(opts, ctx);
  if (!command) return fail(command.error());
  if (opts.force) {
    if (!opts.token.empty()) return fail(ErrorKind::usage, "--force and --token exclude each other");
    auto generation = coord::force_release_reservation(*command);
    if (!generation) return fail(generation.error());
    ctx.output.print("force-released; generation is now {} (recorded in the audit log)\n", *generation);
    return 0;
  }
  if (opts.token.empty()) return fail(ErrorKind::usage, "release needs --token T, or --force --reason R");
  auto released = coord::release_reservation(*command);
  if (!released) return fail(released.error());
  ctx.output.print("{}\n", *released ? "released" : "released (it had already expired)");
  return 0;
}

Result<int> run_hold(const Options& opts, const Context& ctx) {
  auto command = lock_command(opts, ctx);
  if (!command) return fail(command.error());
  command->lock.token = opts.token;
  auto hold = std::chrono::milliseconds(static_cast<int64_t>(opts.seconds * 1000));
  return coord::hold_install_lock(command->lock, hold, opts.command);
}

const bool k_registered = register_command(
    {"lock", "Reserve the install root for automation, or inspect the install lock",
     [](CLI::App& app, Context& ctx) -> RunFn {
       auto opts = std::make_shared<Options>();
       app.require_subcommand(1);
       auto add_timeout = [&](CLI::App* sub) {
         sub->add_option("--lock-timeout", opts->lock_timeout,
                         "Seconds (or 500ms, 2m) to wait for the install lock; default 60, 0 when CI is set");
       };
       CLI::App* acquire = app.add_subcommand("acquire", "Reserve the install root; prints a secret token once");
       acquire->add_option("--holder", opts->holder, "Who reserves (e.g. ci-42)")->required();
       acquire->add_option("--ttl", opts->ttl, "Seconds the reservation lasts from now (1 to 86400)")->required();
       acquire->add_option("--reason", opts->reason, "Shown to others who find the root reserved");
       acquire->add_flag("--json", opts->json, "Print JSON");
       add_timeout(acquire);
       CLI::App* status = app.add_subcommand("status", "Show the reservation and install lock (never the token)");
       status->add_flag("--json", opts->json, "Print JSON");
       CLI::App* renew = app.add_subcommand("renew", "Restart the reservation's TTL");
       renew->add_option("--token", opts->token, "The token `lock acquire` printed")->required();
       renew->add_option("--ttl", opts->ttl, "New TTL in seconds (default: the previous one)");
       add_timeout(renew);
       CLI::App* release = app.add_subcommand("release", "End the reservation");
       release->add_option("--token", opts->token, "The token `lock acquire` printed");
       release->add_flag("--force", opts->force, "End someone else's reservation (audited; needs --reason)");
       release->add_option("--reason", opts->reason, "Why, for the audit log (with --force)");
       add_timeout(release);
       CLI::App* hold = app.add_subcommand(
           "hold", "Take the install lock like a mutating command, then sleep or run COMMAND under it");
       hold->add_option("--seconds", opts->seconds, "How long to hold the lock when no COMMAND is given");
       hold->add_option("--lock-token", opts->token, "Reservation token (else TAILOR_LOCK_TOKEN)");
       hold->add_option("command", opts->command, "Command to run while holding the lock (after --)");
       add_timeout(hold);
       return [opts, &ctx, acquire, status, renew, release, hold]() -> Result<int> {
         ctx.output.json = opts->json;
         if (acquire->parsed()) return run_acquire(*opts, ctx);
         if (status->parsed()) return run_status(ctx);
         if (renew->parsed()) return run_renew(*opts, ctx);
         if (release->parsed()) return run_release(*opts, ctx);
         if (hold->parsed()) return run_hold(*opts, ctx);
         return fail(ErrorKind::usage, "lock needs a subcommand: acquire, status, renew, release or hold");
       };
     }});

}  // namespace
}  // namespace tailor::cli
