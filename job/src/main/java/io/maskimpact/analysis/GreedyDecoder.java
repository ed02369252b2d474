package io.maskimpact.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.maskimpact.model.DecoderSession;
import io.maskimpact.model.PreparedPrompt;
import io.maskimpact.model.StepTrace;
import io.maskimpact.model.TokenInfo;
import io.maskimpact.model.TokenKind;
import io.maskimpact.model.Vocabulary;

import java.util.ArrayList;
import java.util.List;

/**
 * Greedy decoding with a KV cache: one prefill of the prompt, then one token per step, with a
 * callback at every step while that step's arrays are alive.
 *
 * <p>Step t's sequence is the prompt plus the first t generated tokens. Decoding stops after
 * {@code maxNewTokens} tokens or at a stop token; the step predicting the stop token is reported.
 */
public final class GreedyDecoder {

    /** Sees each step's trace before its arrays are released. */
    public interface StepListener {
        /**
         * @param step the generation step
         * @param trace the step's internals (valid only during the call)
         * @param sequence the tokens of this step's sequence
         * @param predicted the greedy next token
         * @param prob its probability
         * @param stepManager owner of the trace; children of it hold temporaries
         */
        void onStep(int step, StepTrace trace, List<TokenInfo> sequence, int predicted, float prob, NDManager stepManager);
    }

    /**
     * The outcome of one decoding.
     *
     * @param tokens the longest sequence analysed: prompt and every generated token fed back
     * @param answer generated tokens, without the stop token
     */
    public record Result(List<TokenInfo> tokens, int[] answer) {
    }

    private GreedyDecoder() {
    }

    /**
     * @param vocabulary the model's vocabulary
     * @param session a session that has run nothing yet
     * @param prompt the prepared prompt the session was opened with
     * @param maxNewTokens most tokens to generate
     * @param pair the pair's manager; each step gets a child
     * @param listener called once per step
     * @return the sequence and the answer
     */
    public static Result run(Vocabulary vocabulary, DecoderSession session, PreparedPrompt prompt, int maxNewTokens,
                             NDManager pair, StepListener listener) {
        List<TokenInfo> tokens = new ArrayList<>(prompt.tokens());
        List<Integer> answer = new ArrayList<>();
        int next = -1;
        for (int step = 0; step < maxNewTokens; step++) {
            try (NDManager stepManager = pair.newSubManager()) {
                StepTrace trace = step == 0 ? session.prefill(stepManager) : session.next(next, stepManager);
                NDArray probs = trace.logits().softmax(-1);
                next = (int) probs.argMax().getLong();
                listener.onStep(step, trace, tokens, next, probs.getFloat(next), stepManager);
                if (vocabulary.isStopToken(next)) {
                    break;
                }
                answer.add(next);
                if (step + 1 < maxNewTokens) {
                    tokens.add(TokenInfo.plain(next, vocabulary.tokenText(next), TokenKind.GENERATED));
                }
            }
        }
        return new Result(List.copyOf(tokens), answer.stream().mapToInt(Integer::intValue).toArray());
    }
}
