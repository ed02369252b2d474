package io.maskimpact.run;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import scala.Option;

/** Chooses the DJL device of a task. */
final class Devices {

    private Devices() {
    }

    /**
     * @param configured {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}
     * @return the device for the current task: with {@code auto} or {@code gpu}, the first GPU
     *     address Spark assigned to the task ({@code spark.task.resource.gpu.amount}), else
     *     {@code cpu} for {@code auto} and {@code gpu} (device 0) for {@code gpu}
     */
    static String forTask(String configured) {
        if (configured.equals("cpu") || configured.startsWith("gpu:")) {
            return configured;
        }
        TaskContext task = TaskContext.get();
        if (task != null) {
            Option<ResourceInformation> gpu = task.resources().get("gpu");
            if (gpu.isDefined() && gpu.get().addresses().length > 0) {
                return "gpu:" + gpu.get().addresses()[0];
            }
        }
        return configured.equals("gpu") ? "gpu" : "cpu";
    }
}
