/* Sends a ToolTalk request with GDBus alone, no libtt, to whatever handles it — for instance the
 * legacy libtt program tt_handler — and prints the answer.
 *
 *   gdbus_sender NAME   sends Hello(in string NAME, out string greeting), prints the greeting
 *
 * One call does it: Broker1.Call sends the request from a procid the broker keeps for this
 * connection and returns the handled message; a failed request is a D-Bus error whose text
 * starts with the ToolTalk status. */
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

static GVariant *value_bytes(const char *s)
{
	return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, s, strlen(s), 1);
}

int main(int argc, char **argv)
{
	GError *error = NULL;
	GDBusConnection *bus;
	GVariant *reply, *handled, *args, *out;
	GVariantBuilder b;
	GVariantDict message;
	gsize n = 0;
	const char *greeting;

	if (argc != 2) {
		fprintf(stderr, "usage: gdbus_sender NAME\n");
		return 2;
	}
	bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &error);
	if (bus == NULL) {
		fprintf(stderr, "gdbus_sender: %s\n", error->message);
		return 1;
	}
	g_variant_builder_init(&b, G_VARIANT_TYPE("a(isuiay)"));
	g_variant_builder_add(&b, "(isui@ay)", 1, "string", 2u, 0, value_bytes(argv[1])); /* in, bytes */
	g_variant_builder_add(&b, "(isui@ay)", 2, "string", 0u, 0, value_bytes(""));      /* out, unset */
	g_variant_dict_init(&message, NULL);
	g_variant_dict_insert(&message, "op", "s", "Hello");
	g_variant_dict_insert_value(&message, "args", g_variant_builder_end(&b));

	reply = g_dbus_connection_call_sync(bus, "org.ttbus.Broker1", "/org/ttbus/Broker1", "org.ttbus.Broker1", "Call",
					    g_variant_new("(@a{sv})", g_variant_dict_end(&message)),
					    G_VARIANT_TYPE("(a{sv})"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
	if (reply == NULL) {
		g_dbus_error_strip_remote_error(error);
		fprintf(stderr, "gdbus_sender: %s\n", error->message); /* "1053 TT_ERR_NO_MATCH: ..." */
		return 1;
	}
	handled = g_variant_get_child_value(reply, 0);
	args = g_variant_lookup_value(handled, "args", G_VARIANT_TYPE("a(isuiay)"));
	out = g_variant_get_child_value(g_variant_get_child_value(args, 1), 4);
	greeting = g_variant_get_fixed_array(out, &n, 1);
	printf("%.*s\n", (int)n, greeting);
	return 0;
}
