/**
 * The neural-network learners of the learned grid models (`src/ml/nn.ts`, TensorFlow.js on the
 * wasm backend): a feed-forward network (`mlp-grid`) and an LSTM over each cell's last days
 * (`lstm-grid`). Counts are heavy-tailed, so every feature enters as log(1 + x) (signed) before the
 * network's own standardisation; the output is a Poisson rate.
 */
import { fitLstm, fitMlp, NnModel } from '../../ml/nn.ts';
import { numberBetween } from '../model-kit.ts';
import { type GridLearner, SEQUENCE_CHANNELS, type TrainedLearner } from './grid-learner.ts';

/** Training settings shared by both networks. */
export interface NnGridOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  hidden: number;
}

/** Their zod shape (defaults, units and Spanish descriptions for `vigia models show`). */
export const nnShape = {
  epochs: numberBetween(1, 500, '', true)
    .default(8)
    .meta({ unit: '', description: 'pasadas sobre los datos' }),
  batchSize: numberBetween(8, 65536, '', true).default(1024).meta({
    unit: 'filas',
    description: 'filas por paso de Adam',
  }),
  learningRate: numberBetween(0.00001, 1).default(0.002).meta({ unit: '', description: 'paso de Adam' }),
  hidden: numberBetween(2, 1024, '', true).default(32).meta({
    unit: '',
    description: 'neuronas de la primera capa oculta (la segunda tiene la mitad)',
  }),
};

/** Signed log(1 + |x|) of every column (NaN stays NaN: the network imputes the mean). */
function logColumns(columns: readonly Float32Array[]): Float32Array[] {
  return columns.map((col) => {
    const out = new Float32Array(col.length);
    for (let i = 0; i < col.length; i++) {
      const v = col[i] as number;
      out[i] = v >= 0 ? Math.log1p(v) : -Math.log1p(-v);
    }
    return out;
  });
}

function logSequences(seq: Float32Array): Float32Array {
  const out = new Float32Array(seq.length);
  for (let i = 0; i < seq.length; i++) out[i] = Math.log1p(seq[i] as number);
  return out;
}

/**
 * Networks hold TensorFlow.js tensors outside the JS heap: dispose a network once nothing refers to
 * its learner any more (a backtest drops the previous predictor at every refit).
 */
const networks = new FinalizationRegistry<NnModel>((model) => model.dispose());

function wrap(model: NnModel): TrainedLearner {
  const learner: TrainedLearner = {
    predict: (columns, sequences) =>
      model.settings.architecture === 'lstm'
        ? model.predictSequences(logSequences(sequences ?? new Float32Array(0)), logColumns(columns))
        : model.predict(logColumns(columns)),
    toJSON: () => model.toArtifact(),
    report: { epochs: model.history.epochs, bestEpoch: model.history.bestEpoch },
  };
  networks.register(learner, model);
  return learner;
}

const train = (o: NnGridOptions, seed: number) => ({
  epochs: o.epochs,
  batchSize: o.batchSize,
  learningRate: o.learningRate,
  hiddenLayers: [o.hidden, Math.max(2, Math.round(o.hidden / 2))],
  validationFraction: 0.1,
  patience: 2,
  seed,
});

/** Feed-forward network on the feature rows. */
export const mlpLearner: GridLearner<NnGridOptions> = {
  async train(columns, y, o, seed) {
    return wrap(await fitMlp(logColumns(columns), y, { loss: 'poisson', ...train(o, seed) }));
  },
  async restore(json) {
    return wrap(await NnModel.fromArtifact(json));
  },
};

/** Settings of the LSTM learner: the network's and the sequence length. */
export interface LstmGridOptions extends NnGridOptions {
  sequenceDays: number;
  units: number;
}

/** LSTM over each row's last `sequenceDays` daily counts, joined with the feature row. */
export const lstmLearner: GridLearner<LstmGridOptions> = {
  sequenceDays: (o) => o.sequenceDays,
  async train(columns, y, o, seed, sequences) {
    return wrap(
      await fitLstm(logSequences(sequences ?? new Float32Array(0)), logColumns(columns), y, {
        ...train(o, seed),
        hiddenLayers: [Math.max(2, Math.round(o.hidden / 2))],
        steps: o.sequenceDays,
        channels: SEQUENCE_CHANNELS,
        units: o.units,
      }),
    );
  },
  async restore(json) {
    return wrap(await NnModel.fromArtifact(json));
  },
};
