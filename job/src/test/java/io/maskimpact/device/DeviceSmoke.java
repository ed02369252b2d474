package io.maskimpact.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.maskimpact.analysis.AnalysisOptions;
import io.maskimpact.analysis.ImpactAnalyzer;
import io.maskimpact.analysis.MaskMode;
import io.maskimpact.analysis.PairImpact;
import io.maskimpact.analysis.StepImpact;
import io.maskimpact.analysis.VariantSet;
import io.maskimpact.analysis.Algorithm;
import io.maskimpact.family.Families;
import io.maskimpact.family.TinyModels;
import io.maskimpact.model.Vlm;

import java.nio.file.Path;

/**
 * Checks the engine on an accelerator, run by hand where one exists (never by the test suite):
 * libtorch's version and devices, one matrix product on the GPU against the CPU, then the shipped
 * tiny model's whole analysis of a few toy pairs on both devices, row by row.
 *
 * <pre>
 * java -cp ... io.maskimpact.device.DeviceSmoke gpu:0 models/tiny-llava 3
 * </pre>
 */
public final class DeviceSmoke {

    private DeviceSmoke() {
    }

    /**
     * @param args device, model folder, pairs
     */
    public static void main(String[] args) throws Exception {
        String device = args.length > 0 ? args[0] : "gpu:0";
        Path model = Path.of(args.length > 1 ? args[1] : "models/tiny-llava");
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Engine engine = Engine.getEngine("PyTorch");
        System.out.println("engine " + engine.getEngineName() + " " + engine.getVersion() + ", GPUs: " + engine.getGpuCount());
        Device target = Families.parseDevice(device);
        try (NDManager gpu = engine.newBaseManager(target); NDManager cpu = engine.newBaseManager(Device.cpu())) {
            NDArray a = cpu.randomNormal(new Shape(512, 512));
            NDArray b = cpu.randomNormal(new Shape(512, 512));
            NDArray onDevice = a.toDevice(target, true).matMul(b.toDevice(target, true));
            System.out.println("matmul on " + onDevice.getDevice() + ": max |diff| vs CPU "
                    + onDevice.toDevice(Device.cpu(), true).sub(a.matMul(b)).abs().max().getFloat());
        }
        AnalysisOptions options = new AnalysisOptions(MaskMode.BOTH, 3, new VariantSet(true, true, true, true),
                Algorithm.EXACT, false);
        try (Vlm onCpu = Families.load(model, "cpu"); Vlm onDevice = Families.load(model, device)) {
            ImpactAnalyzer cpuAnalyzer = new ImpactAnalyzer(onCpu, options);
            ImpactAnalyzer deviceAnalyzer = new ImpactAnalyzer(onDevice, options);
            double worst = 0;
            for (int i = 0; i < pairs; i++) {
                long t0 = System.nanoTime();
                PairImpact c = cpuAnalyzer.analyze(TinyModels.toyRequest(2, i, 3, MaskMode.BOTH));
                long t1 = System.nanoTime();
                PairImpact g = deviceAnalyzer.analyze(TinyModels.toyRequest(2, i, 3, MaskMode.BOTH));
                long t2 = System.nanoTime();
                double diff = 0;
                for (int s = 0; s < Math.min(c.steps().size(), g.steps().size()); s++) {
                    StepImpact cs = c.steps().get(s);
                    StepImpact gs = g.steps().get(s);
                    for (int r = 0; r < cs.rowCount(); r++) {
                        diff = Math.max(diff, Math.abs(cs.l2()[r] - gs.l2()[r]));
                        diff = Math.max(diff, Math.abs(cs.cosine()[r] - gs.cosine()[r]));
                    }
                }
                worst = Math.max(worst, diff);
                System.out.printf("pair %d: answers '%s' (cpu) '%s' (%s), %d rows, max |row diff| %.3e, cpu %.2f s, %s %.2f s%n",
                        i, c.answer(), g.answer(), device, c.rowCount(), diff, (t1 - t0) / 1e9, device, (t2 - t1) / 1e9);
            }
            System.out.println(worst <= 1e-4 ? "DEVICE OK" : "DEVICE DIFFERS");
        }
    }
}
