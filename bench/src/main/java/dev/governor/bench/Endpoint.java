package dev.governor.bench;

/**
 * One target of the load: always on 127.0.0.1, so the benchmark can only ever load this machine.
 *
 * @param name how the report names it
 * @param port its HTTP port on 127.0.0.1
 * @param path where plans are POSTed
 * @param bearerToken sent with every request (the bare endpoint ignores it, but the bytes on the
 *     wire stay the same)
 */
record Endpoint(String name, int port, String path, String bearerToken) {

  static final String HOST = "127.0.0.1";
}
