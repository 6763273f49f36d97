#include "app_launch.h"

#include <gio/gdesktopappinfo.h>

#include <cstdio>
#include <memory>

namespace ttbus::bridge {

namespace {

constexpr const char* systemd_name = "org.freedesktop.systemd1";

// The desktop file id without ".desktop": the application id of the freedesktop specs.
std::string app_id(GAppInfo* app) {
    const char* id = g_app_info_get_id(app);
    std::string s = id != nullptr ? id : "";
    constexpr std::string_view suffix = ".desktop";
    if (s.ends_with(suffix)) s.resize(s.size() - suffix.size());
    return s;
}

// org.freedesktop.Application's object path for an application id: '.' → '/', '-' → '_'.
std::string app_object_path(const std::string& id) {
    std::string path = "/";
    for (char c : id) path += c == '.' ? '/' : c == '-' ? '_' : c;
    return path;
}

struct OpenCall {
    AppLauncher::Done done;
};

void open_done(GObject* source, GAsyncResult* result, gpointer data) {
    std::unique_ptr<OpenCall> call(static_cast<OpenCall*>(data));
    GError* error = nullptr;
    GVariant* reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
    if (reply == nullptr) {
        Failure f = failure_from_error(error, {});
        g_error_free(error);
        call->done(f);
        return;
    }
    g_variant_unref(reply);
    call->done(std::nullopt);
}

void scope_done(GObject* source, GAsyncResult* result, gpointer data) {
    std::unique_ptr<std::string> unit(static_cast<std::string*>(data));
    GError* error = nullptr;
    GVariant* reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
    if (reply == nullptr) {
        // The application runs anyway; it only stays in the bridge's own cgroup.
        g_warning("could not create %s: %s", unit->c_str(), error->message);
        g_error_free(error);
        return;
    }
    g_variant_unref(reply);
}

struct LaunchedPid {
    GPid pid = 0;
};

void on_launched(GAppLaunchContext*, GAppInfo*, GVariant* platform_data, gpointer data) {
    gint32 pid = 0;
    if (g_variant_lookup(platform_data, "pid", "i", &pid)) static_cast<LaunchedPid*>(data)->pid = pid;
}

}  // namespace

AppLauncher::AppLauncher(GDBusConnection* bus) : bus_(bus) {
    // Asked once: a user manager that appears later is not expected within one bridge's life.
    GVariant* owned = g_dbus_connection_call_sync(bus_, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                  "org.freedesktop.DBus", "NameHasOwner",
                                                  g_variant_new("(s)", systemd_name), G_VARIANT_TYPE("(b)"),
                                                  G_DBUS_CALL_FLAGS_NONE, -1, nullptr, nullptr);
    if (owned != nullptr) {
        gboolean has = FALSE;
        g_variant_get(owned, "(b)", &has);
        user_manager_ = has;
        g_variant_unref(owned);
    }
    g_message("applications are %s", user_manager_ ? "put into transient systemd scopes" : "launched without systemd");
}

std::string AppLauncher::escape_unit_name(const std::string& id) {
    std::string out;
    for (std::size_t i = 0; i < id.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(id[i]);
        if (g_ascii_isalnum(c) || c == ':' || c == '_' || (c == '.' && i > 0)) {
            out += static_cast<char>(c);
        } else {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        }
    }
    return out;
}

void AppLauncher::open(GAppInfo* app, const std::string& uri, Done done) {
    const std::string id = app_id(app);
    if (G_IS_DESKTOP_APP_INFO(app) && g_desktop_app_info_get_boolean(G_DESKTOP_APP_INFO(app), "DBusActivatable") &&
        g_dbus_is_name(id.c_str())) {
        open_by_dbus(app, id, uri, std::move(done));
        return;
    }
    launch(app, id, uri, done);
}

void AppLauncher::open_by_dbus(GAppInfo*, const std::string& id, const std::string& uri, Done done) {
    GVariantBuilder uris;
    g_variant_builder_init(&uris, G_VARIANT_TYPE("as"));
    g_variant_builder_add(&uris, "s", uri.c_str());
    GVariantBuilder platform;
    g_variant_builder_init(&platform, G_VARIANT_TYPE("a{sv}"));
    g_dbus_connection_call(bus_, id.c_str(), app_object_path(id).c_str(), "org.freedesktop.Application", "Open",
                           g_variant_new("(assa{sv})", &uris, "", &platform),
                           G_VARIANT_TYPE("()"), G_DBUS_CALL_FLAGS_NONE, -1, nullptr, open_done,
                           new OpenCall{std::move(done)});
}

void AppLauncher::launch(GAppInfo* app, const std::string& id, const std::string& uri, const Done& done) {
    GAppLaunchContext* context = g_app_launch_context_new();
    LaunchedPid launched;
    g_signal_connect(context, "launched", G_CALLBACK(on_launched), &launched);
    GList uris{const_cast<char*>(uri.c_str()), nullptr, nullptr};
    GError* error = nullptr;
    const gboolean ok = g_app_info_launch_uris(app, &uris, context, &error);
    g_object_unref(context);
    if (!ok) {
        Failure f{status_ptype_start, "cannot launch " + id + ": " + error->message};
        g_error_free(error);
        done(f);
        return;
    }
    if (user_manager_ && launched.pid > 0) move_to_scope(id, launched.pid);
    done(std::nullopt);
}

void AppLauncher::move_to_scope(const std::string& id, GPid pid) {
    auto* unit = new std::string("app-ttbus-" + escape_unit_name(id) + "-" + std::to_string(pid) + ".scope");
    GVariantBuilder props;
    g_variant_builder_init(&props, G_VARIANT_TYPE("a(sv)"));
    GVariantBuilder pids;
    g_variant_builder_init(&pids, G_VARIANT_TYPE("au"));
    g_variant_builder_add(&pids, "u", static_cast<guint32>(pid));
    g_variant_builder_add(&props, "(sv)", "PIDs", g_variant_builder_end(&pids));
    g_variant_builder_add(&props, "(sv)", "Slice", g_variant_new_string("app.slice"));
    g_variant_builder_add(&props, "(sv)", "CollectMode", g_variant_new_string("inactive-or-failed"));
    g_dbus_connection_call(bus_, systemd_name, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                           "StartTransientUnit",
                           g_variant_new("(ssa(sv)a(sa(sv)))", unit->c_str(), "fail", &props, nullptr),
                           G_VARIANT_TYPE("(o)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, nullptr, scope_done, unit);
}

}  // namespace ttbus::bridge
