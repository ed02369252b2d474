package io.maskimpact.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code serve}: serves a local run folder on 127.0.0.1 so that its {@code viewer/} page opens in a
 * browser.
 *
 * <p>GET and HEAD only, single HTTP byte ranges (206), no directory listing, nothing outside the
 * folder (paths are normalized and symbolic links resolved before the check); {@code /} redirects
 * to {@code /viewer/}. When the run has no {@code viewer/} copy, {@code /viewer/} is served from
 * the project's {@code viewer/app/}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a run folder on 127.0.0.1 (with HTTP Range, which the viewer uses to read only the "
                + "Parquet pages a view needs) and print the viewer's URL. Stops with Ctrl-C.", ""},
        footer = ServeCommand.FOOTER)
public class ServeCommand implements Callable<Integer> {
    /** The exit codes of {@code serve} and the errors behind them. */
    static final String FOOTER = "%nExit codes:%n"
            + "  0  stopped by the test harness (from a terminal, serve runs until Ctrl-C)%n"
            + "  1  internal error (a bug or an I/O failure; see the log)%n"
            + "  2  usage error: unknown option, --out missing, --port not from 0 to 65535%n"
            + "  3  cannot start: --out is not a folder, or the port is taken (choose another --port, or 0)%n"
            + "%nWhile serving: a path outside the folder or a missing file is answered 404, a method other than "
            + "GET or HEAD 405, a byte range outside the file 416; / leads to the viewer.%n";
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("bmp", "image/bmp"), Map.entry("webp", "image/webp"),
            Map.entry("csv", "text/csv; charset=utf-8"), Map.entry("wasm", "application/wasm"));
    /** The port served on unless {@code --port} says otherwise. */
    static final int DEFAULT_PORT = 8321;
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "The run folder (a local path).")
    Path out;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + DEFAULT_PORT,
            description = "Port on 127.0.0.1; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int port;

    /** Set by tests: counted down once the server listens. */
    CountDownLatch started;
    /** The server, once started (tests stop it). */
    HttpServer server;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (port < 0 || port > 65535) {
            JobLauncher.usage(err, "serve", "Invalid value for --port: " + port + " (expected 0 to 65535; 0 picks a free port)");
            return ExitCodes.USAGE;
        }
        if (!Files.isDirectory(out)) {
            err.println("Cannot serve " + out + ": not a folder (pass the --out folder of a run)");
            return ExitCodes.CANNOT_START;
        }
        Path root = out.toRealPath();
        Path viewer = Files.isDirectory(root.resolve("viewer")) ? root.resolve("viewer")
                : Path.of(System.getProperty("maskimpact.home", "."), "viewer", "app").toAbsolutePath().normalize();
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (BindException e) {
            err.println("Cannot serve on 127.0.0.1:" + port + ": the port is taken (choose another with --port, or "
                    + "--port 0 for a free one)");
            return ExitCodes.CANNOT_START;
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> handle(exchange, root, viewer));
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        PrintWriter o = spec.commandLine().getOut();
        o.println("Serving " + root + " at " + url);
        o.println("Viewer: " + url + "viewer/   (Ctrl-C stops)");
        o.flush();
        if (started != null) {
            started.countDown();
            return ExitCodes.OK;
        }
        new CountDownLatch(1).await();
        return ExitCodes.OK;
    }

    private static void handle(HttpExchange ex, Path root, Path viewer) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                send(ex, 405, method);
                return;
            }
            String path = URI.create(ex.getRequestURI().getRawPath()).getPath();
            if (path.equals("/") && !Files.isRegularFile(root.resolve("index.html"))) {
                // a run folder has no page of its own: its root leads to the viewer
                ex.getResponseHeaders().set("Location", "/viewer/");
                ex.sendResponseHeaders(302, -1);
                return;
            }
            Path base = root;
            String rel = path;
            if (path.equals("/viewer") || path.startsWith("/viewer/")) {
                base = viewer;
                rel = path.substring("/viewer".length());
            }
            if (rel.isEmpty() || rel.endsWith("/")) {
                rel = rel + "index.html";
            }
            Path file = base.resolve(rel.substring(1)).normalize();
            if (!file.startsWith(base) || !Files.isRegularFile(file) || !file.toRealPath().startsWith(base.toRealPath())) {
                send(ex, 404, path);
                return;
            }
            serveFile(ex, file, method.equals("HEAD"));
        } catch (IllegalArgumentException e) {
            send(ex, 400, "bad path");
        }
    }

    private static void serveFile(HttpExchange ex, Path file, boolean head) throws IOException {
        long size = Files.size(file);
        String name = file.getFileName().toString();
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        ex.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"));
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        long start = 0;
        long end = size - 1;
        int status = 200;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null) {
            Matcher m = RANGE.matcher(range.strip());
            if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
                send(ex, 416, "bad range");
                return;
            }
            if (m.group(1).isEmpty()) {
                start = Math.max(0, size - Long.parseLong(m.group(2)));
            } else {
                start = Long.parseLong(m.group(1));
                end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
            }
            if (start >= size || start > end) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + size);
                send(ex, 416, "range outside the file");
                return;
            }
            status = 206;
            ex.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        long length = end - start + 1;
        if (head) {
            ex.getResponseHeaders().set("Content-Length", String.valueOf(length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             InputStream in = Channels.newInputStream(ch.position(start));
             OutputStream body = ex.getResponseBody()) {
            byte[] buf = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    break;
                }
                body.write(buf, 0, n);
                left -= n;
            }
        }
    }

    private static void send(HttpExchange ex, int status, String message) throws IOException {
        byte[] body = (status + " " + message + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
        }
    }
}
