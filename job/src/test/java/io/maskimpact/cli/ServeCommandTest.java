package io.maskimpact.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The run folder server: byte ranges, the viewer mount, and nothing outside the folder. */
class ServeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void servesRangesAndTheViewerAndNothingElse() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("_manifest.json"), "{\"run_id\": \"r\"}");
        Files.writeString(Files.createDirectories(run.resolve("viewer")).resolve("index.html"), "<html>viewer</html>");
        Files.writeString(tmp.resolve("secret.txt"), "secret");
        ServeCommand serve = new ServeCommand();
        serve.started = new CountDownLatch(1);
        int code = new CommandLine(serve).execute("--out", run.toString(), "--port", "0");
        assertThat(code).isEqualTo(0);
        assertThat(serve.started.await(10, TimeUnit.SECONDS)).isTrue();
        try {
            String base = "http://127.0.0.1:" + serve.server.getAddress().getPort();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> whole = http.send(HttpRequest.newBuilder(URI.create(base + "/_manifest.json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.headers().firstValue("Content-Type")).hasValue("application/json");
            HttpResponse<String> part = http.send(HttpRequest.newBuilder(URI.create(base + "/_manifest.json"))
                    .header("Range", "bytes=2-7").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.body()).isEqualTo("run_id");
            assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 2-7/15");
            HttpResponse<String> suffix = http.send(HttpRequest.newBuilder(URI.create(base + "/_manifest.json"))
                    .header("Range", "bytes=-2").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(suffix.body()).isEqualTo("\"}");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/viewer/")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).contains("viewer");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/../secret.txt")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/%2e%2e/secret.txt")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
            HttpResponse<String> root = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(root.statusCode()).as("/ leads to the viewer, no listing").isEqualTo(302);
            assertThat(root.headers().firstValue("Location")).hasValue("/viewer/");
            HttpResponse<String> followed = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                    .send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(followed.body()).as("a browser opening / lands on the viewer").contains("viewer");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/impact/")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).as("no listing of a table").isEqualTo(404);
        } finally {
            serve.server.stop(0);
        }
    }

    @Test
    void aTakenPortAndABadPortAreOneLineEach() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("run"));
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            io.maskimpact.testing.Cli.Result r = io.maskimpact.testing.Cli.run("serve", "--out", run.toString(), "--port",
                    String.valueOf(taken.getLocalPort()));
            assertThat(r.code()).as("serve on a taken port\n%s", r).isEqualTo(ExitCodes.CANNOT_START);
            assertThat(r.err().strip()).as("one line").doesNotContain("\n").contains("the port is taken")
                    .contains("--port 0");
        }
        io.maskimpact.testing.Cli.Result bad = io.maskimpact.testing.Cli.run("serve", "--out", run.toString(), "--port", "70000");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("Invalid value for --port: 70000").contains("Try 'mask-impact serve --help'");
    }
}
