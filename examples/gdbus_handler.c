/* A ToolTalk handler written with GDBus alone, no libtt: it handles Hello(in string name,
 * out string greeting) requests in the default session.
 *
 *   gdbus_handler [COUNT]   answer COUNT requests (default: forever), then leave
 *
 * The steps are the ones every D-Bus-native handler takes (docs/dbus-bridge.md): subscribe to
 * the Delivered signals the broker unicasts to us, Open a procid, PatternRegister, SessionJoin,
 * then answer each delivered request with Reply. It prints "ready" once it can be reached. */
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BROKER "org.ttbus.Broker1"
#define PATH "/org/ttbus/Broker1"

static GDBusConnection *bus;
static GMainLoop *loop;
static char *procid;
static long remaining = -1;

static GVariant *call(const char *iface, const char *method, GVariant *params, const char *reply_type)
{
	GError *error = NULL;
	GVariant *reply = g_dbus_connection_call_sync(bus, BROKER, PATH, iface, method, params,
						      reply_type ? G_VARIANT_TYPE(reply_type) : NULL,
						      G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	if (reply == NULL) {
		fprintf(stderr, "gdbus_handler: %s: %s\n", method, error->message);
		exit(1);
	}
	return reply;
}

/* Builds the reply's args: the message's args with the out arg (index 1) set to a greeting for
 * the name in arg 0. Values are (kind, int, bytes); bytes carry no NUL (docs/dbus-api.md). */
static GVariant *answer_args(GVariant *args)
{
	GVariantBuilder b;
	GVariantIter iter;
	gint32 mode, ival;
	guint32 kind;
	const char *vtype;
	GVariant *bytes;
	char greeting[256] = "Hello, stranger!";
	int index = 0;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a(isuiay)"));
	g_variant_iter_init(&iter, args);
	while (g_variant_iter_next(&iter, "(i&sui@ay)", &mode, &vtype, &kind, &ival, &bytes)) {
		if (index == 0 && kind == 2) {
			gsize n = 0;
			const char *p = g_variant_get_fixed_array(bytes, &n, 1);
			snprintf(greeting, sizeof greeting, "Hello, %.*s!", (int)n, p);
		}
		if (index == 1)
			g_variant_builder_add(&b, "(isui@ay)", mode, vtype, 2u, 0,
					      g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, greeting, strlen(greeting), 1));
		else
			g_variant_builder_add(&b, "(isui@ay)", mode, vtype, kind, ival, bytes);
		g_variant_unref(bytes);
		index++;
	}
	return g_variant_builder_end(&b);
}

static void on_delivered(GDBusConnection *c, const char *sender, const char *path, const char *iface,
			 const char *signal, GVariant *params, gpointer data)
{
	const char *to, *id = NULL;
	GVariant *message, *args;
	GVariantDict answer;
	(void)c, (void)sender, (void)path, (void)iface, (void)signal, (void)data;

	g_variant_get(params, "(&s@a{sv})", &to, &message);
	if (strcmp(to, procid) == 0 && g_variant_lookup(message, "id", "&s", &id) &&
	    (args = g_variant_lookup_value(message, "args", G_VARIANT_TYPE("a(isuiay)"))) != NULL) {
		g_variant_dict_init(&answer, NULL);
		g_variant_dict_insert_value(&answer, "args", answer_args(args));
		g_variant_unref(call("org.ttbus.Procid1", "Reply",
				     g_variant_new("(ss@a{sv})", procid, id, g_variant_dict_end(&answer)), NULL));
		g_variant_unref(args);
		if (remaining > 0 && --remaining == 0)
			g_main_loop_quit(loop);
	}
	g_variant_unref(message);
}

int main(int argc, char **argv)
{
	GError *error = NULL;
	GVariant *reply, *pattern;
	GVariantDict p;
	const char *ops[] = {"Hello", NULL};
	const gint32 scopes[] = {1}; /* TT_SESSION */
	char *session;

	if (argc > 1)
		remaining = strtol(argv[1], NULL, 10);
	bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
	if (bus == NULL) {
		fprintf(stderr, "gdbus_handler: %s\n", error->message);
		return 1;
	}
	loop = g_main_loop_new(NULL, FALSE);
	/* First the match rule: a delivery may arrive before the call that caused it returns. */
	g_dbus_connection_signal_subscribe(bus, BROKER, "org.ttbus.Procid1", "Delivered", PATH, NULL,
					   G_DBUS_SIGNAL_FLAGS_NONE, on_delivered, NULL, NULL);

	reply = call("org.ttbus.Broker1", "Open", g_variant_new_parsed("(@a{sv} {},)"), "(ss)");
	g_variant_get(reply, "(ss)", &procid, &session);
	g_variant_unref(reply);

	g_variant_dict_init(&p, NULL);
	g_variant_dict_insert(&p, "category", "i", 2); /* TT_HANDLE */
	g_variant_dict_insert_value(&p, "scopes", g_variant_new_fixed_array(G_VARIANT_TYPE_INT32, scopes, 1, sizeof scopes[0]));
	g_variant_dict_insert_value(&p, "ops", g_variant_new_strv(ops, -1));
	pattern = g_variant_dict_end(&p);
	g_variant_unref(call("org.ttbus.Procid1", "PatternRegister", g_variant_new("(s@a{sv})", procid, pattern), "(t)"));
	g_variant_unref(call("org.ttbus.Procid1", "SessionJoin", g_variant_new("(ss)", procid, session), NULL));

	printf("ready\n");
	fflush(stdout);
	g_main_loop_run(loop);
	g_free(procid);
	g_free(session);
	g_object_unref(bus);
	return 0;
}
