package io.certigate.testbed.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The anvil dev chain on its own: configured like the consortium's network (chain id, zero base
 * fee, transactions at price 0), every block a client has seen is on disk, so a kill -9 of anvil
 * (started again by the chain) or a stop and start on the same folder keeps blocks, receipts, logs
 * and contracts.
 */
@Tag("integration")
class DevChainTest {
    /** Init code returning a contract that logs the word 1 on every call. */
    static final String LOGGER = "0x600b600c600039600b6000f3" + "600160005260206000a000";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    private JsonNode rpc(DevChain chain, String method, Object... params) throws Exception {
        String body = JSON.writeValueAsString(java.util.Map.of("jsonrpc", "2.0", "id", 1, "method", method,
                "params", java.util.List.of(params)));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(chain.rpcUrl()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
        }
        JsonNode n = JSON.readTree(r.body());
        assertThat(n.has("error")).as(method + " " + n).isFalse();
        return n.get("result");
    }

    /** Sends a transaction from anvil's first development account and waits for its receipt. */
    private JsonNode transact(DevChain chain, String from, java.util.Map<String, String> tx) throws Exception {
        java.util.Map<String, String> t = new java.util.HashMap<>(tx);
        t.put("from", from);
        t.put("gasPrice", "0x0");
        String hash = rpc(chain, "eth_sendTransaction", t).asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode r = rpc(chain, "eth_getTransactionReceipt", hash);
            if (r != null && !r.isNull()) {
                return r;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no receipt for " + hash);
    }

    private JsonNode awaitAnswer(DevChain chain) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                return rpc(chain, "eth_blockNumber");
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    @Test
    void everyBlockAClientSawSurvivesAKillOfAnvilAndARestartOfTheChain() throws Exception {
        DevChain.Options o = DevChain.Options.defaults(DevChain.locateAnvil(), dir.resolve("chain"));
        try (DevChain chain = new DevChain(o).start()) {
            assertThat(rpc(chain, "eth_chainId").asText()).isEqualTo("0x539"); // 1337
            assertThat(rpc(chain, "eth_getBlockByNumber", "latest", false).path("baseFeePerGas").asText()).isEqualTo("0x0");
            assertThat(chain.adminKey()).matches("0x[0-9a-f]{64}");
            String from = rpc(chain, "eth_accounts").get(0).asText();

            JsonNode deployed = transact(chain, from, java.util.Map.of("data", LOGGER));
            String contract = deployed.path("contractAddress").asText();
            JsonNode call = transact(chain, from, java.util.Map.of("to", contract));
            assertThat(call.path("logs")).hasSize(1);
            assertThat(call.path("effectiveGasPrice").asText()).isEqualTo("0x0");
            long block = Long.decode(call.path("blockNumber").asText());
            // the receipt was handed out only once the chain holding it was on disk
            assertThat(chain.savedHead()).isGreaterThanOrEqualTo(block);
            assertThat(dir.resolve("chain/state.json")).isRegularFile();

            // kill -9 of anvil: the chain starts it again on the saved state, same URL
            ProcessHandle first = chain.node().orElseThrow();
            assertThat(first.destroyForcibly()).isTrue();
            first.onExit().get();
            awaitAnswer(chain);
            assertThat(chain.node().orElseThrow().pid()).isNotEqualTo(first.pid());
            assertThat(Long.decode(rpc(chain, "eth_blockNumber").asText())).isEqualTo(block);
            assertThat(rpc(chain, "eth_getCode", contract, "latest").asText()).isEqualTo("0x600160005260206000a000");
            assertThat(rpc(chain, "eth_getTransactionReceipt", call.path("transactionHash").asText())
                    .path("blockHash").asText()).isEqualTo(call.path("blockHash").asText());
            assertThat(rpc(chain, "eth_getLogs", java.util.Map.of("fromBlock", "0x0", "toBlock", "latest",
                    "address", contract))).hasSize(1);

            // the chain goes on from there: the nonce and the next block follow
            JsonNode again = transact(chain, from, java.util.Map.of("to", contract));
            assertThat(Long.decode(again.path("blockNumber").asText())).isEqualTo(block + 1);

            // a stop is an outage (nothing answers on the URL), a start the same chain again
            chain.stop();
            assertThat(chain.running()).isFalse();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> rpc(chain, "eth_blockNumber"))
                    .isInstanceOf(IOException.class);
            chain.start();
            assertThat(Long.decode(rpc(chain, "eth_blockNumber").asText())).isEqualTo(block + 1);
            assertThat(rpc(chain, "eth_getLogs", java.util.Map.of("fromBlock", "0x0", "toBlock", "latest",
                    "address", contract))).hasSize(2);
        }
        assertThat(dir.resolve("chain/anvil.pid")).doesNotExist();
    }

    @Test
    void anAnvilLeftRunningOnTheFolderIsEndedByTheNextStart() throws Exception {
        DevChain.Options o = DevChain.Options.defaults(DevChain.locateAnvil(), dir.resolve("chain"));
        DevChain crashed = new DevChain(o).start();
        String from = rpc(crashed, "eth_accounts").get(0).asText();
        JsonNode deployed = transact(crashed, from, java.util.Map.of("data", LOGGER));
        ProcessHandle left = crashed.node().orElseThrow();
        // as if the JVM holding `crashed` had been killed: its anvil runs on, with its pid file
        crashed.abandon();
        assertThat(left.isAlive()).isTrue();
        assertThat(Files.readString(dir.resolve("chain/anvil.pid"))).startsWith(left.pid() + " ");
        try (DevChain next = new DevChain(o).start()) {
            assertThat(left.isAlive()).isFalse();
            assertThat(rpc(next, "eth_getCode", deployed.path("contractAddress").asText(), "latest").asText())
                    .isEqualTo("0x600160005260206000a000");
        } finally {
            left.destroyForcibly();
        }
    }

    @Test
    void intervalMiningMakesBlocksWithoutTransactions() throws Exception {
        DevChain.Options o = DevChain.Options.defaults(DevChain.locateAnvil(), dir.resolve("chain")).withBlockTime(1);
        try (DevChain chain = new DevChain(o).start()) {
            long first = Long.decode(rpc(chain, "eth_blockNumber").asText());
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            long now = first;
            while (now < first + 2 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                now = Long.decode(rpc(chain, "eth_blockNumber").asText());
            }
            assertThat(now).isGreaterThanOrEqualTo(first + 2);
        }
    }
}
