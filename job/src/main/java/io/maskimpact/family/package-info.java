/**
 * The model families and their registry: {@link io.maskimpact.family.Families} maps a checkpoint's
 * {@code model_type} to the family package that loads it. Each family is one package (config,
 * weight names, prompt building) over the shared building blocks of {@code io.maskimpact.model.nn}
 * and the Hugging Face helpers of {@code io.maskimpact.model.hf}; nothing outside this package
 * imports a family.
 */
package io.maskimpact.family;
