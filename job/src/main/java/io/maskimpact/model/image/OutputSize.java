package io.maskimpact.model.image;

import io.maskimpact.model.PromptException;

/** How a resize step picks its output size from the input size ({@link OutputSizes} has transformers' rules). */
@FunctionalInterface
public interface OutputSize {

    /**
     * @param height input rows
     * @param width input columns
     * @return the output size
     * @throws PromptException when the rule rejects this input (transformers raises for it)
     */
    Size of(int height, int width) throws PromptException;
}
